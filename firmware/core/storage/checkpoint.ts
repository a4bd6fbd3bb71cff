// The chain head checkpoint: what boot needs to continue the chain without scanning
// the volume (so boot cost does not grow with the evidence held), plus the store's own
// space accounting and boot count.
import { ByteReader, ByteWriter, bytesEqual, FormatError, HASH_SIZE, NO_SEQ, sha256 } from "../evidence/index";

export interface Checkpoint {
  /** Sequence number the next entry gets. */
  nextSeq: number;
  /** Link of the last sealed entry (the genesis link before the first). */
  link: Uint8Array;
  /** Boots so far, this one included once written at boot. */
  bootCount: number;
  /** The previous run ended with an orderly shutdown (every entry sealed). */
  clean: boolean;
  /** Sealed entries on the volume, their bytes and the littlefs blocks they take. */
  entries: number;
  bytes: number;
  blocks: number;
  /** The last entry a verified store receipt covers (NO_SEQ: none yet), and its link. */
  receiptThrough: number;
  receiptLink: Uint8Array;
  /** Entries up to here were offloaded and their files removed (NO_SEQ: none). */
  reclaimedThrough: number;
  /** A reclaim was decided (journaled, accounting moved) and its file removals may be unfinished. */
  reclaimPending: boolean;
}

const MAGIC = 0x44484351; // "QCHD" little-endian
const VERSION = 2;
const SIZE = 4 + 2 + 1 + 1 + 4 + HASH_SIZE + 4 + 4 + 8 + 4 + 4 + HASH_SIZE + 4 + HASH_SIZE;
const FLAG_CLEAN = 1;
const FLAG_RECLAIM_PENDING = 2;

/** A new chain's checkpoint. */
export function firstCheckpoint(genesis: Uint8Array): Checkpoint {
  return { nextSeq: 0, link: genesis, bootCount: 0, clean: true, entries: 0, bytes: 0, blocks: 0, receiptThrough: NO_SEQ, receiptLink: new Uint8Array(HASH_SIZE), reclaimedThrough: NO_SEQ, reclaimPending: false };
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const w = new ByteWriter(SIZE);
  w.u32(MAGIC).u16(VERSION).u8((c.clean ? FLAG_CLEAN : 0) | (c.reclaimPending ? FLAG_RECLAIM_PENDING : 0)).u8(0).u32(c.nextSeq).bytes(c.link);
  w.u32(c.bootCount).u32(c.entries).u64(c.bytes).u32(c.blocks);
  w.u32(c.receiptThrough).bytes(c.receiptLink).u32(c.reclaimedThrough);
  w.bytes(sha256(w.view()));
  return w.toBytes();
}

/** Throws FormatError when the bytes are not an intact checkpoint. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length !== SIZE) throw new FormatError("malformed", `checkpoint is ${bytes.length} bytes, expected ${SIZE}`);
  if (!bytesEqual(sha256(bytes.subarray(0, SIZE - HASH_SIZE)), bytes.subarray(SIZE - HASH_SIZE))) throw new FormatError("malformed", "checkpoint check mismatch");
  const r = new ByteReader(bytes);
  if (r.u32() !== MAGIC || r.u16() !== VERSION) throw new FormatError("malformed", "not a checkpoint");
  const flags = r.u8();
  r.u8();
  const nextSeq = r.u32();
  const link = r.take(HASH_SIZE).slice();
  const bootCount = r.u32();
  const entries = r.u32();
  const byteCount = r.u64();
  const blocks = r.u32();
  const receiptThrough = r.u32();
  const receiptLink = r.take(HASH_SIZE).slice();
  const reclaimedThrough = r.u32();
  return { nextSeq, link, bootCount, clean: (flags & FLAG_CLEAN) !== 0, entries, bytes: byteCount, blocks, receiptThrough, receiptLink, reclaimedThrough, reclaimPending: (flags & FLAG_RECLAIM_PENDING) !== 0 };
}
