// Host implementation of Moddable's `crypt` Digest, backed by node:crypto.
import { createHash, type Hash } from 'node:crypto';

const NODE_NAMES = {
  MD5: 'md5',
  SHA1: 'sha1',
  SHA224: 'sha224',
  SHA256: 'sha256',
  SHA384: 'sha384',
  SHA512: 'sha512',
} as const;
type DigestType = keyof typeof NODE_NAMES;

const SIZES: Record<DigestType, [block: number, output: number]> = {
  MD5: [64, 16],
  SHA1: [64, 20],
  SHA224: [64, 28],
  SHA256: [64, 32],
  SHA384: [128, 48],
  SHA512: [128, 64],
};

export class Digest {
  readonly #algorithm: string;
  readonly #type: DigestType;
  #hash: Hash;
  /** On the device a closed digest holds a finished state: writing more gives garbage. Fail loudly instead. */
  #closed = false;

  constructor(type: DigestType) {
    if (!Object.hasOwn(NODE_NAMES, type)) throw new Error('crypt: unsupported digest');
    this.#type = type;
    this.#algorithm = NODE_NAMES[type];
    this.#hash = createHash(this.#algorithm);
  }

  write(data: ArrayBuffer | ArrayBufferView | string): void {
    if (this.#closed) throw new Error('crypt: write after close (call reset first)');
    if (typeof data === 'string') this.#hash.update(data, 'utf8');
    else if (data instanceof ArrayBuffer) this.#hash.update(new Uint8Array(data));
    else this.#hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  close(keep?: boolean): ArrayBuffer {
    const running = keep ? this.#hash.copy() : undefined;
    const out = this.#hash.digest();
    this.#hash = running ?? createHash(this.#algorithm);
    this.#closed = !keep;
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
  }

  reset(): void {
    this.#hash = createHash(this.#algorithm);
    this.#closed = false;
  }

  get blockSize(): number {
    return SIZES[this.#type][0];
  }

  get outputSize(): number {
    return SIZES[this.#type][1];
  }
}
