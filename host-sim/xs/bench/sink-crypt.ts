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

/**
 * Stand-ins for the native AES block cipher and CTR mode: one call each, the output buffer
 * allocated as the native code allocates it, no work per byte (the ESP32-S3's AES hardware
 * does it outside the engine). The bytes are not a cipher's: nothing reads them back here.
 */
export class BlockCipher {
  constructor(name: string, _key: ArrayBuffer) {
    if (name !== 'AES') throw new Error(`sink BlockCipher: ${name}`);
  }

  encrypt(data: ArrayBuffer): ArrayBuffer {
    return new ArrayBuffer(data.byteLength);
  }

  decrypt(data: ArrayBuffer): ArrayBuffer {
    return new ArrayBuffer(data.byteLength);
  }
}

export class Mode {
  constructor(name: string, _cipher: BlockCipher, _iv?: ArrayBuffer) {
    if (name !== 'CTR') throw new Error(`sink Mode: ${name}`);
  }

  setIV(_iv: ArrayBuffer): void {}

  encrypt(data: ArrayBuffer | ArrayBufferView): ArrayBuffer {
    return new ArrayBuffer(data.byteLength);
  }

  decrypt(data: ArrayBuffer | ArrayBufferView): ArrayBuffer {
    return new ArrayBuffer(data.byteLength);
  }
}
