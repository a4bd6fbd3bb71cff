// Boot recovery of the entry that was open when power was lost: keep every intact record,
// seal it as recovered, and never lose or rewrite a byte of what was committed. Reads the
// file in chunks, so an entry of any size recovers in bounded memory.
import type { Directory, File } from "embedded:storage/files";
import {
  ByteReader,
  bytesEqual,
  decodeHeader,
  EntryWriter,
  FormatError,
  HEADER_SIZE,
  linkOf,
  RECORD_CHECK_SIZE,
  RECORD_FRAME_SIZE,
  SEAL_COVERED_SIZE,
  SEAL_FLAG_RECOVERED,
  SEAL_PAYLOAD_SIZE,
  SEAL_SIZE,
  SEAL_TYPE,
  Sha256,
  type EntryHeader,
  type SealResult,
  type Signer,
} from "../evidence/index";
import { readAt } from "./files-util";

const CHUNK = 4096;

export type RecoveryOutcome =
  /** Nothing was committed past (or into) the header: the file holds no evidence. */
  | { action: "empty" }
  /** The entry had been sealed; only its rename was missing. */
  | { action: "sealed"; seal: SealResult; size: number; records: number; header: EntryHeader }
  /** Intact records kept and sealed as recovered. */
  | { action: "resealed"; seal: SealResult; size: number; records: number; droppedBytes: number; header: EntryHeader }
  /** Its header does not continue the chain: kept aside, untouched. */
  | { action: "foreign"; reason: string }
  /** Not sealed, and the caller asked only to check (a file already under a sealed name). */
  | { action: "unsealed" };

export interface Expected {
  deviceId: string;
  seq: number;
  /** The link the entry must continue; undefined when it is already behind the head (its seal is checked, not its place). */
  prevLink: Uint8Array | undefined;
}

function hashRange(file: File, from: number, to: number, sink: { write(b: Uint8Array): void }): void {
  for (let at = from; at < to; at += CHUNK) sink.write(readAt(file, Math.min(CHUNK, to - at), at));
}

/** If the file ends in a valid seal over its bytes and link, that seal. */
function existingSeal(file: File, header: EntryHeader, headerBytes: Uint8Array, size: number, signer: Signer): { seal: SealResult; records: number } | undefined {
  if (size < HEADER_SIZE + SEAL_SIZE) return undefined;
  const sealAt = size - SEAL_SIZE;
  const r = new ByteReader(readAt(file, SEAL_SIZE, sealAt));
  if (r.u16() !== SEAL_TYPE || r.u16() !== 0 || r.u32() !== SEAL_PAYLOAD_SIZE) return undefined;
  r.u32(); // t
  const records = r.u32();
  r.u32(); // flags
  const entryHash = r.take(32).slice();
  const link = r.take(32).slice();
  const keyId = r.take(8);
  if (!bytesEqual(keyId, signer.keyId)) return undefined;
  const h = new Sha256();
  h.write(headerBytes);
  hashRange(file, HEADER_SIZE, sealAt + SEAL_COVERED_SIZE, h);
  if (!bytesEqual(h.finish(), entryHash) || !bytesEqual(linkOf(header.prevLink, entryHash, header.seq), link)) return undefined;
  return { seal: { bytes: readAt(file, SEAL_SIZE, sealAt), entryHash, link, seq: header.seq }, records };
}

/** Walks the records from the header on; returns how many are intact and where they end. */
function scanRecords(file: File, size: number): { records: number; end: number; lastT: number } {
  const check = new Sha256();
  let at = HEADER_SIZE;
  let records = 0;
  let lastT = 0;
  while (size - at >= RECORD_FRAME_SIZE) {
    const frame = readAt(file, RECORD_FRAME_SIZE, at);
    const r = new ByteReader(frame);
    const code = r.u16();
    const flags = r.u16();
    const length = r.u32();
    const t = r.u32();
    if (code === SEAL_TYPE || flags !== 0 || at + RECORD_FRAME_SIZE + length + RECORD_CHECK_SIZE > size) break;
    check.write(frame);
    hashRange(file, at + RECORD_FRAME_SIZE, at + RECORD_FRAME_SIZE + length, check);
    const end = at + RECORD_FRAME_SIZE + length;
    if (!bytesEqual(check.finish(), readAt(file, RECORD_CHECK_SIZE, end))) break;
    at = end + RECORD_CHECK_SIZE;
    records++;
    lastT = Math.max(lastT, t);
  }
  return { records, end: at, lastT };
}

/**
 * Recovers the open entry at `path`. On "sealed" and "resealed" the file is a sealed
 * entry, committed and closed; the caller renames it and advances the chain. With
 * `checkOnly` the file is opened read-only and never changed.
 */
export function recoverOpenEntry(dir: Directory, path: string, expected: Expected, signer: Signer, checkOnly = false): RecoveryOutcome {
  const file = dir.openFile({ path, mode: checkOnly ? "r" : "r+" });
  try {
    const size = file.status().size;
    if (size < HEADER_SIZE) return { action: "empty" };
    const headerBytes = readAt(file, HEADER_SIZE, 0);
    let header: EntryHeader;
    try {
      header = decodeHeader(new ByteReader(headerBytes));
    } catch (e) {
      if (e instanceof FormatError) return { action: "foreign", reason: `unreadable header: ${e.message}` };
      throw e;
    }
    if (header.deviceId !== expected.deviceId || header.seq !== expected.seq || (expected.prevLink && !bytesEqual(header.prevLink, expected.prevLink)))
      return { action: "foreign", reason: `header (device ${header.deviceId}, seq ${header.seq}) does not continue the chain at ${expected.seq}` };

    const sealed = existingSeal(file, header, headerBytes, size, signer);
    if (sealed) return { action: "sealed", seal: sealed.seal, size, records: sealed.records, header };
    if (checkOnly) return { action: "unsealed" };

    const { records, end, lastT } = scanRecords(file, size);
    const writer = new EntryWriter(header);
    hashRange(file, HEADER_SIZE, end, { write: (b) => writer.absorb(b) });
    writer.adoptCount(records);
    // The entry ends with its last intact record: the clock of the boot that wrote it is gone.
    const seal = writer.seal(signer, lastT, SEAL_FLAG_RECOVERED);
    if (end < size) file.setSize(end);
    file.write(seal.bytes, end);
    file.flush();
    return { action: "resealed", seal, size: end + seal.bytes.length, records, droppedBytes: size - end, header };
  } finally {
    file.close();
  }
}
