// What a designated store is to its callers (rule art. 14): it takes a device's evidence
// entries only as an exact continuation of the chain it already holds, and signs receipts
// for what it holds. DirectoryStore is one over a local directory; a bureau-wide store can
// sit behind the same interface.

/** The store's identity: its id (in every receipt) and its P-256 public key (SEC1 uncompressed, 65 bytes). */
export interface StoreIdentity {
  id: string;
  publicKey: Uint8Array;
}

/** Where the store's copy of a device's chain ends: the next offload must continue from here. */
export interface StorePosition {
  /** Last sequence number held (entries 0..throughSeq are all held). */
  throughSeq: number;
  /** The seal link of entry throughSeq: the next entry's prevLink must equal it. */
  throughLink: Uint8Array;
  /** Entries held for the device (throughSeq + 1). */
  entries: number;
  /** Total bytes of the held entry files. */
  bytes: number;
}

/** One entry file as offloaded: the seq the sender claims and the file's exact bytes. */
export interface OffloadEntry {
  seq: number;
  bytes: Uint8Array;
}

export interface AcceptResult {
  deviceId: string;
  /** Entries newly written. */
  added: number;
  /** Entries already held byte for byte (a resumed offload re-sends them): no change. */
  resent: number;
  position: StorePosition;
}

/** A batch held in memory as the stream `acceptStream` takes. */
export async function* batchOf<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** A value or a promise of it: the directory store answers at once, a networked one later. */
export type Awaitable<T> = T | Promise<T>;

export interface EvidenceStoreBackend {
  identity(): StoreIdentity;
  /** undefined when the store holds nothing of the device. */
  position(deviceId: string): Awaitable<StorePosition | undefined>;
  /**
   * Takes a batch that continues the device's chain exactly from position(deviceId) (or
   * from seq 0 and the genesis link), after an optional prefix re-sending held entries
   * unchanged. All or nothing: throws StoreRefusal when any entry fails, and then holds
   * nothing of the batch (an object store may keep unnamed entry objects, as after a cut:
   * never counted, found again when the batch is re-sent).
   */
  accept(deviceId: string, entries: readonly OffloadEntry[]): Awaitable<AcceptResult>;
  /**
   * accept() for a batch read as it arrives (a request body), so a store can check and
   * write the first entries while the rest is on the wire. Same rule, same answer.
   */
  acceptStream?(deviceId: string, entries: AsyncIterable<OffloadEntry>): Promise<AcceptResult>;
  /** The signed receipt (encodeSignedReceipt) for the current position; time in ms since 1970. */
  receipt(deviceId: string, time: number): Awaitable<Uint8Array>;
}
