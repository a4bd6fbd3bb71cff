// The chain head checkpoint: what boot needs to continue the chain without scanning
// the volume (so boot cost does not grow with the evidence held), plus the store's own
// space accounting and boot count.
import { ByteReader, ByteWriter, bytesEqual, FormatError, HASH_SIZE, sha256 } from "../evidence/index";

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
}

const MAGIC = 0x44484351; // "QCHD" little-endian
const VERSION = 1;
const SIZE = 4 + 2 + 1 + 1 + 4 + HASH_SIZE + 4 + 4 + 8 + 4 + HASH_SIZE;

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const w = new ByteWriter(SIZE);
  w.u32(MAGIC).u16(VERSION).u8(c.clean ? 1 : 0).u8(0).u32(c.nextSeq).bytes(c.link);
  w.u32(c.bootCount).u32(c.entries).u64(c.bytes).u32(c.blocks);
  w.bytes(sha256(w.view()));
  return w.toBytes();
}

/** Throws FormatError when the bytes are not an intact checkpoint. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length !== SIZE) throw new FormatError("malformed", `checkpoint is ${bytes.length} bytes, expected ${SIZE}`);
  if (!bytesEqual(sha256(bytes.subarray(0, SIZE - HASH_SIZE)), bytes.subarray(SIZE - HASH_SIZE))) throw new FormatError("malformed", "checkpoint check mismatch");
  const r = new ByteReader(bytes);
  if (r.u32() !== MAGIC || r.u16() !== VERSION) throw new FormatError("malformed", "not a checkpoint");
  const clean = r.u8() === 1;
  r.u8();
  const nextSeq = r.u32();
  const link = r.take(HASH_SIZE).slice();
  const bootCount = r.u32();
  const entries = r.u32();
  const byteCount = r.u64();
  const blocks = r.u32();
  return { nextSeq, link, bootCount, clean, entries, bytes: byteCount, blocks };
}
