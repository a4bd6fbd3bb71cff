// A card image file (a raw dump of the card, usually sparse) as littlefs's block device for the
// tools: read in place, block by block, never loaded whole (a 32 GB image), never written. What
// littlefs writes while it mounts (a rename a power cut interrupted) stays in memory.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { BlockDevice } from '../littlefs/index';

export class ImageBlockDevice implements BlockDevice {
  readonly blockSize: number;
  readonly blockCount: number;
  readonly #fd: number;
  readonly #overlay = new Map<number, Uint8Array>();

  constructor(path: string, blockSize: number) {
    this.#fd = openSync(path, 'r');
    this.blockSize = blockSize;
    this.blockCount = Math.floor(fstatSync(this.#fd).size / blockSize);
  }

  read(block: number, off: number, len: number): Uint8Array {
    const o = this.#overlay.get(block);
    if (o) return o.slice(off, off + len);
    const out = new Uint8Array(len);
    readSync(this.#fd, out, 0, len, block * this.blockSize + off);
    return out;
  }

  prog(block: number, off: number, data: Uint8Array): void {
    let o = this.#overlay.get(block);
    if (!o) {
      o = this.read(block, 0, this.blockSize);
      this.#overlay.set(block, o);
    }
    o.set(data, off);
  }

  erase(): void {
    // The card needs no erase before a program (its controller does that).
  }

  close(): void {
    closeSync(this.#fd);
  }
}
