// The microSD slot: a card in it or not, pulled out and put back (the same card or another),
// and the littlefs block device over whichever card is in it.
import type { BlockDevice } from '../littlefs/index';
import { CardAbsentError, SECTOR, type SdCard } from './sd-card';

export class CardSlot {
  #card: SdCard | undefined;
  /** Cards put in so far (the one present at power-on counts). */
  insertions = 0;

  constructor(card?: SdCard) {
    if (card) this.insert(card);
  }

  get card(): SdCard | undefined {
    return this.#card;
  }

  get present(): boolean {
    return this.#card !== undefined;
  }

  insert(card: SdCard): void {
    if (this.#card) throw new Error('the slot already holds a card');
    this.#card = card;
    this.insertions++;
  }

  /** The card is pulled out: every command to it fails from now on. Returns it (to put back, or to read). */
  pull(): SdCard {
    const c = this.#card;
    if (!c) throw new Error('no card in the slot');
    this.#card = undefined;
    return c;
  }

  /** The card answering now (throws CardAbsentError when the slot is empty). */
  answering(): SdCard {
    if (!this.#card) throw new CardAbsentError('no card answers in the slot');
    return this.#card;
  }
}

/**
 * littlefs's block device over the card in a slot: a block is `blockSize / 512` sectors; erase
 * is nothing (the card's controller erases, and littlefs needs no erased state on such media:
 * its commits are checked by CRC, not by reading erased bytes); sync waits for the card.
 * Bound to one insertion: once that card is pulled, even if it is put back, the device fails,
 * as a mounted volume must be mounted again.
 */
export class CardBlockDevice implements BlockDevice {
  readonly #slot: CardSlot;
  readonly #insertion: number;
  readonly #sectorsPerBlock: number;

  constructor(slot: CardSlot, blockSize: number) {
    this.#slot = slot;
    this.#insertion = slot.insertions;
    this.#sectorsPerBlock = blockSize / SECTOR;
  }

  #card(): SdCard {
    if (this.#slot.insertions !== this.#insertion) throw new CardAbsentError('the card was pulled out');
    return this.#slot.answering();
  }

  read(block: number, off: number, len: number): Uint8Array {
    return this.#card().readSectors(block * this.#sectorsPerBlock + off / SECTOR, len / SECTOR);
  }

  prog(block: number, off: number, data: Uint8Array): void {
    this.#card().writeSectors(block * this.#sectorsPerBlock + off / SECTOR, data);
  }

  erase(): void {
    this.#card();
  }

  sync(): void {
    this.#card().sync();
  }
}

/**
 * A card as a card reader on a technician's machine sees it: read as it is, never written
 * (what littlefs writes while it mounts stays in memory), without touching the model's clock.
 */
export class CardReaderDevice implements BlockDevice {
  readonly #card: SdCard;
  readonly #sectorsPerBlock: number;
  readonly #overlay = new Map<number, Uint8Array>();
  readonly #blockSize: number;

  constructor(card: SdCard, blockSize: number) {
    this.#card = card;
    this.#blockSize = blockSize;
    this.#sectorsPerBlock = blockSize / SECTOR;
  }

  read(block: number, off: number, len: number): Uint8Array {
    const o = this.#overlay.get(block);
    return o ? o.slice(off, off + len) : this.#card.peek(block * this.#sectorsPerBlock + off / SECTOR, len / SECTOR);
  }

  prog(block: number, off: number, data: Uint8Array): void {
    let o = this.#overlay.get(block);
    if (!o) this.#overlay.set(block, (o = this.read(block, 0, this.#blockSize)));
    o.set(data, off);
  }

  erase(): void {}

  sync(): void {}
}
