// XS side of Moddable's `crypt` module: Digest forwards to the host (node:crypto), as the
// device's Digest forwards to native code. The module boundary is the device's.
import type { BlockCipherName, DigestType, ModeName } from 'crypt';
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

/** The result as the native module gives it: written into `result` when given, else a new ArrayBuffer. */
function deliver(bytes: Uint8Array, result: ArrayBuffer | undefined): ArrayBuffer {
  if (result === undefined) return bytes.slice().buffer as ArrayBuffer;
  if (result.byteLength < bytes.length) throw new Error('output too small');
  new Uint8Array(result).set(bytes);
  return result;
}

/** BlockCipher: the key goes to the host once; each block is one host call (the native code's). */
export class BlockCipher {
  readonly id: number;
  readonly #keySize: number;

  constructor(cipher: BlockCipherName, key: ArrayBuffer) {
    this.id = call('cipher.new', { name: cipher }, key).value as number;
    this.#keySize = key.byteLength;
  }

  encrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer {
    return deliver(call('cipher.encrypt', { id: this.id }, data).blob, result);
  }

  decrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer {
    return deliver(call('cipher.decrypt', { id: this.id }, data).blob, result);
  }

  get keySize(): number {
    return this.#keySize;
  }

  get blockSize(): number {
    return 16;
  }
}

/** Mode ("CTR"): one host call per encrypt, whatever the size, as on the device. */
export class Mode {
  readonly #id: number;

  constructor(mode: ModeName, cipher: BlockCipher, iv?: ArrayBuffer) {
    this.#id = call('mode.new', { name: mode, cipher: cipher.id }, iv ?? new Uint8Array(0)).value as number;
  }

  setIV(iv: ArrayBuffer): void {
    call('mode.setIV', { id: this.#id }, iv);
  }

  encrypt(data: ArrayBuffer | ArrayBufferView, result?: ArrayBuffer, count?: number): ArrayBuffer {
    const d = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return deliver(call('mode.encrypt', { id: this.#id }, count === undefined ? d : d.subarray(0, count)).blob, result);
  }

  decrypt(data: ArrayBuffer | ArrayBufferView, result?: ArrayBuffer, count?: number): ArrayBuffer {
    return this.encrypt(data, result, count);
  }
}
