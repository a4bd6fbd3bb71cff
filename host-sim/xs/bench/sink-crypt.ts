// Benchmark-only stand-in for Moddable's `crypt` Digest inside XS: a native call that costs
// the meter one host-function call and nothing per byte, as the device's native Digest
// (hardware SHA) does. It counts the bytes and returns a fixed-size, non-cryptographic
// value: the store's control flow does not depend on hash values while writing.
import type { DigestType } from 'crypt';

export class Digest {
  #n = 0;

  constructor(type: DigestType) {
    if (type !== 'SHA256') throw new Error(`sink Digest: ${String(type)}`);
  }

  write(data: ArrayBuffer | ArrayBufferView | string): void {
    this.#n += typeof data === 'string' ? data.length : data.byteLength;
  }

  close(): ArrayBuffer {
    const out = new ArrayBuffer(32);
    new DataView(out).setUint32(0, this.#n);
    return out;
  }

  reset(): void {
    this.#n = 0;
  }

  get blockSize(): number {
    return 64;
  }

  get outputSize(): number {
    return 32;
  }
}
