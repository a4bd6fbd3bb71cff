// Watches the card slot for the store (rule art. 13, 16): a card put in becomes the media
// volume if it carries this unit's chain or nothing at all; one carrying another unit's chain,
// an unreadable one, or one that failed is journaled and left alone; a card that stops
// answering turns the entries it was taking into split entries and interrupts the recording.
import type { Card, CardInfo } from "embedded:storage/card";
import type { EvidenceStore } from "./evidence-store";
import type { MediaVolume, WriteQueue } from "./media-volume";

/** The store's view of a mounted card; the queue's counters are read live from the module. */
export function mediaVolumeOf(card: Card): MediaVolume | undefined {
  const info = card.info;
  const root = card.root;
  if (!root || (info.state !== "mounted" && info.state !== "formatted")) return undefined;
  const queue: WriteQueue = {
    get capacity() {
      return card.queue.capacity;
    },
    get used() {
      return card.queue.used;
    },
    get flushesQueued() {
      return card.queue.flushesQueued;
    },
    get flushesDone() {
      return card.queue.flushesDone;
    },
  };
  const fault = () => (card.poll().state === "removed" ? card.fault ?? "the card stopped answering" : undefined);
  return { root, serial: info.serial, capacityBytes: info.capacityBytes, blockSize: info.blockSize, blockCount: info.blockCount, blocksUsedAtMount: info.blocksUsedAtMount, queue, fault };
}

export interface CardWatchOptions {
  card: Card;
  /** The store, once the unit has an identity. */
  store: () => EvidenceStore | undefined;
  /** The card in use stopped answering while the store wrote to it (the recorder interrupts, art. 13). */
  onRemoved: (fault: string) => void;
  /** A card came up in a state the status report shows (mounted, refused, unreadable, ...). */
  onChange?: (info: CardInfo, note: string) => void;
}

export class CardWatch {
  readonly #o: CardWatchOptions;
  #generation: number;
  #state: CardInfo["state"];
  /** What the last card event was, for `status`: "", or e.g. "refused: the card carries the chain of unit QC-0002". */
  note = "";

  /** `offered`: the store opened with this card offered to it as its media volume (accepted or refused, it journaled it). */
  constructor(options: CardWatchOptions, offered: boolean) {
    this.#o = options;
    const info = options.card.info;
    this.#generation = offered ? info.generation : -1;
    this.#state = offered ? info.state : "absent";
    this.#attached = options.store()?.card !== undefined;
  }

  /** The store was writing to the card at the last tick. */
  #attached: boolean;

  tick(): void {
    const info = this.#o.card.poll();
    const store = this.#o.store();
    if (!store) return;
    if (info.state === "removed" && store.card) store.detachMedia(this.#o.card.fault ?? "the card stopped answering");
    // The store may also have let the card go itself, the moment a write to it failed.
    if (this.#attached && !store.card) {
      this.#attached = false;
      const fault = this.#o.card.fault ?? "the card stopped answering";
      this.#changed(info, `removed: ${fault}`);
      this.#o.onRemoved(fault);
      return;
    }
    if (info.generation === this.#generation && info.state === this.#state) return;
    this.#generation = info.generation;
    this.#state = info.state;
    switch (info.state) {
      case "mounted":
      case "formatted": {
        const volume = mediaVolumeOf(this.#o.card);
        if (!volume || store.card) return;
        const admission = store.attachMedia(volume);
        this.#attached = admission.accepted;
        this.#changed(info, admission.accepted ? info.state : `refused: ${admission.reason}`);
        return;
      }
      case "unreadable":
      case "read-failed":
      case "format-failed":
        store.journalCardProblem(info.state, info.serial, info.capacityBytes, this.#o.card.fault ?? "");
        this.#changed(info, `${info.state}: the card is left as it is`);
        return;
      default:
        this.#changed(info, info.state);
    }
  }

  #changed(info: CardInfo, note: string): void {
    this.note = note;
    this.#o.onChange?.(info, note);
  }
}
