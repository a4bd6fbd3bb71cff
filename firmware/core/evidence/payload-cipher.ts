// AES-128-CTR of record payloads (docs/FORMAT.md §7a) through Moddable's native cipher: one
// call per piece whatever its size. Record `index` of an entry starts its own stream at the
// counter block index u32 BE ‖ 12 zero bytes; the key is the entry's content key.
import { BlockCipher, Mode } from "crypt";

export const CONTENT_KEY_SIZE = 16;

export class PayloadCipher {
  #ctr: Mode | undefined;
  readonly #counter = new ArrayBuffer(16);

  constructor(contentKey: Uint8Array) {
    if (contentKey.length !== CONTENT_KEY_SIZE) throw new RangeError("a content key is 16 bytes");
    // The native module takes the key as an ArrayBuffer; the copy is gone with the cipher.
    this.#ctr = new Mode("CTR", new BlockCipher("AES", contentKey.slice().buffer), this.#counter);
  }

  /** Starts the stream of record `index`; the pieces of its payload follow in order. */
  begin(index: number): void {
    new DataView(this.#counter).setUint32(0, index);
    this.#live().setIV(this.#counter);
  }

  /** The next piece of the current record's payload, encrypted (or decrypted: CTR is its own inverse). */
  encrypt(piece: Uint8Array): Uint8Array {
    return new Uint8Array(this.#live().encrypt(piece));
  }

  /** Forgets the content key: the entry is sealed (FORMAT §7a: no key outlives its entry). */
  drop(): void {
    this.#ctr = undefined;
  }

  get dropped(): boolean {
    return this.#ctr === undefined;
  }

  #live(): Mode {
    if (!this.#ctr) throw new Error("payload cipher: the content key was dropped");
    return this.#ctr;
  }
}
