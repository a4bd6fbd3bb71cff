// Host implementation of Moddable's `crypt` BlockCipher and Mode ("CTR"), over node:crypto,
// as the device's run in native code (AES hardware on the ESP32-S3).
import { createCipheriv, createDecipheriv, type Cipher } from 'node:crypto';
import type { BlockCipherName, ModeName } from 'crypt';

type Bytes = ArrayBuffer | ArrayBufferView;

function view(b: Bytes): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The result as the device returns it: the given buffer, or a new ArrayBuffer. */
function deliver(out: Uint8Array, result: Bytes | undefined): ArrayBuffer {
  if (result === undefined) return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
  const r = view(result);
  if (r.length < out.length) throw new RangeError('crypt: result buffer too small');
  r.set(out);
  return (result instanceof ArrayBuffer ? result : result.buffer) as ArrayBuffer;
}

export class BlockCipher {
  readonly key: Uint8Array;

  constructor(cipher: BlockCipherName, key: ArrayBuffer) {
    if (cipher !== 'AES') throw new Error('crypt: unsupported cipher');
    const k = view(key);
    if (k.length !== 16 && k.length !== 24 && k.length !== 32) throw new RangeError('crypt: bad AES key size');
    this.key = k.slice();
  }

  get keySize(): number {
    return this.key.length;
  }

  get blockSize(): number {
    return 16;
  }

  encrypt(data: Bytes, result?: Bytes): ArrayBuffer {
    const d = view(data);
    if (d.length !== 16) throw new RangeError('crypt: a block is 16 bytes');
    const c = createCipheriv(`aes-${this.key.length * 8}-ecb`, this.key, null).setAutoPadding(false);
    return deliver(c.update(d), result);
  }

  decrypt(data: Bytes, result?: Bytes): ArrayBuffer {
    const d = view(data);
    if (d.length !== 16) throw new RangeError('crypt: a block is 16 bytes');
    const c = createDecipheriv(`aes-${this.key.length * 8}-ecb`, this.key, null).setAutoPadding(false);
    return deliver(c.update(d), result);
  }
}

export class Mode {
  readonly #key: Uint8Array;
  #stream: Cipher;

  constructor(mode: ModeName, cipher: BlockCipher, iv?: ArrayBuffer) {
    if (mode !== 'CTR') throw new Error('crypt: unsupported mode');
    this.#key = cipher.key;
    this.#stream = this.#start(iv ?? new ArrayBuffer(16));
  }

  #start(iv: ArrayBuffer): Cipher {
    const v = view(iv);
    if (v.length !== 16) throw new RangeError('crypt: the CTR counter block is 16 bytes');
    return createCipheriv(`aes-${this.#key.length * 8}-ctr`, this.#key, v);
  }

  setIV(iv: ArrayBuffer): void {
    this.#stream = this.#start(iv);
  }

  encrypt(data: Bytes, result?: Bytes, count?: number): ArrayBuffer {
    const d = view(data);
    return deliver(this.#stream.update(count === undefined ? d : d.subarray(0, count)), result);
  }

  decrypt(data: Bytes, result?: Bytes, count?: number): ArrayBuffer {
    return this.encrypt(data, result, count);
  }
}
