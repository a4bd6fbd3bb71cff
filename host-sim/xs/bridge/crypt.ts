// XS side of Moddable's `crypt` module: Digest forwards to the host (node:crypto), as the
// device's Digest forwards to native code. The module boundary is the device's.
import type { DigestType } from 'crypt';
import { call } from './channel';

const encoder = new TextEncoder();

export class Digest {
  readonly #id: number;
  readonly #sizes: [number, number];

  constructor(type: DigestType) {
    const r = call('digest.new', { type }).value as { id: number; blockSize: number; outputSize: number };
    this.#id = r.id;
    this.#sizes = [r.blockSize, r.outputSize];
  }

  write(data: ArrayBuffer | ArrayBufferView | string): void {
    call('digest.write', { id: this.#id }, typeof data === 'string' ? encoder.encode(data) : data);
  }

  close(keep?: boolean): ArrayBuffer {
    const { blob } = call('digest.close', { id: this.#id, keep: keep === true });
    return blob.slice().buffer as ArrayBuffer;
  }

  reset(): void {
    call('digest.reset', { id: this.#id });
  }

  get blockSize(): number {
    return this.#sizes[0];
  }

  get outputSize(): number {
    return this.#sizes[1];
  }
}
