// Where an encrypted entry's key comes from (FORMAT §7a): a fresh 16-byte content key from
// the secure element's generator, wrapped to the designated store's content public key by
// the secure element's ECDH. The unit keeps the key only inside the entry's PayloadCipher,
// which the entry writer drops at the seal; the bytes handed out here are zeroed at once.
import type { KeyAgreement, RandomSource } from "../../../hal/crypto/key-agreement";
import { wrapContentKey, type WrappedContentKey } from "./key-wrap";
import { CONTENT_KEY_SIZE, PayloadCipher } from "./payload-cipher";

/** What an entry needs to be written encrypted: its cipher and the `content-key` record's data. */
export interface EntryEncryption {
  cipher: PayloadCipher;
  contentKey: WrappedContentKey;
}

export interface EntryKeys {
  forEntry(deviceId: string, seq: number): EntryEncryption;
}

/** Content keys wrapped to the store's key (SEC1 uncompressed, 65 bytes) by the secure element. */
export class StoreWrappedKeys implements EntryKeys {
  readonly #element: KeyAgreement & RandomSource;
  readonly #storePublic: Uint8Array;

  constructor(element: KeyAgreement & RandomSource, storePublic: Uint8Array) {
    if (storePublic.length !== 65 || storePublic[0] !== 0x04) throw new RangeError("the store's content key must be SEC1 uncompressed (65 bytes)");
    this.#element = element;
    this.#storePublic = storePublic.slice();
  }

  forEntry(deviceId: string, seq: number): EntryEncryption {
    const drawn = this.#element.random();
    const key = drawn.slice(0, CONTENT_KEY_SIZE);
    drawn.fill(0);
    try {
      const contentKey = wrapContentKey(this.#element, this.#storePublic, key, deviceId, seq);
      return { cipher: new PayloadCipher(key), contentKey };
    } finally {
      key.fill(0);
    }
  }
}
