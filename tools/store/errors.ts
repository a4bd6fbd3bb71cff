// The store's two kinds of failure: a batch it refuses (the sender's fault, the store is
// unchanged) and a store whose own files are not what it wrote (an operator must look).

export type RefusalReason =
  | 'bad-device-id' // not a device id the evidence format allows
  | 'reordered' // the batch's seqs are not consecutive ascending (a duplicate or swapped entries)
  | 'gap' // the batch does not start at or before the store's next seq: entries would be skipped
  | 'rewrite' // an already-held seq with bytes other than the held entry's
  | 'malformed' // not a sealed entry file
  | 'modified' // the entry's hashes, record count or link do not check out
  | 'misplaced' // the entry's header names another seq than the one it was sent as
  | 'foreign-device' // an entry of another device's chain
  | 'broken-link' // prevLink is not the link of the entry before it (or the genesis link)
  | 'no-key' // entry 0 announces no device key the store could learn
  | 'foreign-key' // sealed with a key other than the device key the store learned
  | 'bad-signature' // the seal's signature does not verify under the device key
  | 'unknown-device'; // a receipt for a device the store holds nothing of

/** A refused batch or request. Nothing was written. */
export class StoreRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    /** The seq concerned, null when none can be named. */
    readonly seq: number | null,
    detail: string,
  ) {
    super(`refused${seq === null ? '' : ` entry ${seq}`}: ${reason}: ${detail}`);
    this.name = 'StoreRefusal';
  }
}

/** The store directory is not a store, or its files are damaged or inconsistent. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}
