// The simulator's "embedded:storage/card" (hal/types/card.d.ts): the slot's card mounted with
// the mount policy, its root a queued directory drained in virtual time, poll() noticing a
// card pulled out or put in. The native module (native/card) does the same on the device.
import type { Card, CardInfo, CardQueue, CardState } from 'embedded:storage/card';
import type { Directory } from 'embedded:storage/files';
import type { Littlefs } from '../littlefs/index';
import { QueuedDirectory } from './queued-directory';
import { WriteQueue } from './write-queue';

/** A card volume as the mount policy left it (host-sim/card/card-volume.ts). */
export interface MountedCard {
  state: CardState;
  lfs?: Littlefs;
  serial: string;
  capacityBytes: number;
  blockSize: number;
  blockCount: number;
  blocksUsedAtMount: number;
}

/** What the module needs of the slot below it. */
export interface CardSlotPort {
  /** A card answers in the slot. */
  present(): boolean;
  /** Cards put in so far (changes when one is inserted). */
  insertions(): number;
  /** Mounts the card in the slot by the mount policy (blank: formatted; anything else unmountable: left alone). */
  mount(): MountedCard;
  /** The card's busy time so far, ms (the model's counter). */
  busyMs(): number;
}

export interface CardHostOptions {
  slot: CardSlotPort;
  now: () => number;
  /** PSRAM bytes of the write-behind queue (the build's define on the device). */
  queueBytes: number;
}

const NO_CARD: CardInfo = { state: 'absent', serial: '', capacityBytes: 0, blockSize: 0, blockCount: 0, blocksUsedAtMount: 0, generation: 0 };

export class CardHost implements Card {
  readonly #o: CardHostOptions;
  #info: CardInfo = NO_CARD;
  #queue: WriteQueue;
  #root: QueuedDirectory | undefined;
  #fault: string | undefined;
  #seen = -1;
  #generation = 0;

  constructor(options: CardHostOptions) {
    this.#o = options;
    this.#queue = this.#newQueue();
    this.poll();
  }

  #newQueue(): WriteQueue {
    const slot = this.#o.slot;
    return new WriteQueue(this.#o.queueBytes, { now: this.#o.now, busyMs: () => slot.busyMs() });
  }

  poll(): CardInfo {
    const slot = this.#o.slot;
    this.#queue.pump();
    const mounted = this.#info.state === 'mounted' || this.#info.state === 'formatted';
    if (mounted && (this.#queue.failure !== undefined || !slot.present())) {
      // Pulled out, or failing in place: the module tells them apart by whether the slot's card-detect still sees a card.
      this.#fault = !slot.present() ? 'the card was pulled out' : `the card stopped answering: ${(this.#queue.failure as Error | undefined)?.message ?? 'no reply'}`;
      if (this.#queue.failure === undefined) this.#queue.fail(new Error(this.#fault));
      this.#root = undefined;
      this.#info = { ...this.#info, state: 'removed' };
    }
    if (!slot.present()) {
      if (this.#info.state !== 'removed') this.#info = { ...NO_CARD, generation: this.#generation };
      return this.#info;
    }
    if (slot.insertions() === this.#seen) return this.#info;
    this.#seen = slot.insertions();
    this.#generation++;
    this.#fault = undefined;
    this.#queue = this.#newQueue();
    const m = slot.mount();
    this.#root = m.lfs && (m.state === 'mounted' || m.state === 'formatted') ? new QueuedDirectory(m.lfs, this.#queue) : undefined;
    this.#info = { state: m.state, serial: m.serial, capacityBytes: m.capacityBytes, blockSize: m.blockSize, blockCount: m.blockCount, blocksUsedAtMount: m.blocksUsedAtMount, generation: this.#generation };
    return this.#info;
  }

  get info(): CardInfo {
    return this.#info;
  }

  get queue(): CardQueue & { waitedMs: number } {
    this.#queue.pump();
    const q = this.#queue;
    return { capacity: q.capacity, used: q.used, peak: q.peak, flushesQueued: q.flushesQueued, flushesDone: q.flushesDone, waitedMs: q.waitedMs };
  }

  /** The live queue (its counters change as the card's task runs): what the store watches. */
  get liveQueue(): WriteQueue {
    return this.#queue;
  }

  get root(): Directory | undefined {
    return this.#root;
  }

  get fault(): string | undefined {
    return this.#fault;
  }

  /** Power is gone: whatever is still queued never reaches the card. */
  powerOff(): void {
    this.#queue.fail(new Error('power lost'));
    this.#root = undefined;
  }
}
