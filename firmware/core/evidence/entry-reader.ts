// Reads entry files: the strict parse of a sealed entry, the integrity check of its
// hashes and link, and the forgiving scan of an open entry that boot recovery needs.
import { ByteReader, FormatError, bytesEqual } from "./bytes";
import {
  HASH_SIZE,
  HEADER_SIZE,
  KEY_ID_SIZE,
  KNOWN_SEAL_FLAGS,
  RECORD_CHECK_SIZE,
  RECORD_FRAME_SIZE,
  SEAL_COVERED_SIZE,
  SEAL_PAYLOAD_SIZE,
  SEAL_TYPE,
  SIGNATURE_SIZE,
} from "./format";
import { Sha256 } from "./hash";
import { decodeHeader, type EntryHeader } from "./header";
import { linkOf } from "./link";

/** Where one record sits in an entry file; byte fields are views into the file. */
export interface RecordSpan {
  code: number;
  t: number;
  /** Offset of the record's frame in the file. */
  offset: number;
  payload: Uint8Array;
}

/** The 12-byte frame of a record (a view into the file). */
export function spanFrame(bytes: Uint8Array, span: RecordSpan): Uint8Array {
  return bytes.subarray(span.offset, span.offset + RECORD_FRAME_SIZE);
}

/** The record's own check (a view into the file). */
export function spanCheck(bytes: Uint8Array, span: RecordSpan): Uint8Array {
  const at = span.offset + RECORD_FRAME_SIZE + span.payload.length;
  return bytes.subarray(at, at + RECORD_CHECK_SIZE);
}

/** The record's bytes on storage after it. */
export function spanEnd(span: RecordSpan): number {
  return span.offset + RECORD_FRAME_SIZE + span.payload.length + RECORD_CHECK_SIZE;
}

export interface Seal {
  offset: number;
  t: number;
  count: number;
  flags: number;
  /** The frame, count and flags: the part of the seal the entry hash covers. */
  covered: Uint8Array;
  entryHash: Uint8Array;
  link: Uint8Array;
  keyId: Uint8Array;
  signature: Uint8Array;
}

export interface ParsedEntry {
  /** The whole file. */
  bytes: Uint8Array;
  header: EntryHeader;
  headerBytes: Uint8Array;
  records: RecordSpan[];
  seal: Seal;
  size: number;
}

function readFrame(r: ByteReader): { code: number; flags: number; length: number; t: number; offset: number } {
  const offset = r.offset;
  r.need(RECORD_FRAME_SIZE, `record frame at byte ${offset}`);
  const code = r.u16();
  const flags = r.u16();
  const length = r.u32();
  const t = r.u32();
  return { code, flags, length, t, offset };
}

/**
 * Parses a sealed entry file. Throws FormatError ("truncated" when the bytes end before
 * the seal, "malformed" when they are not an entry). Never allocates more than views.
 */
export function parseEntry(bytes: Uint8Array): ParsedEntry {
  const r = new ByteReader(bytes);
  const header = decodeHeader(r);
  const headerBytes = bytes.subarray(0, HEADER_SIZE);
  const records: RecordSpan[] = [];
  for (;;) {
    if (r.remaining === 0) throw new FormatError("truncated", `entry ends after ${records.length} records without a seal`);
    const f = readFrame(r);
    if (f.code === SEAL_TYPE) {
      if (f.flags !== 0 || f.length !== SEAL_PAYLOAD_SIZE) throw new FormatError("malformed", "seal frame has wrong flags or length");
      r.need(SEAL_PAYLOAD_SIZE, "seal");
      const count = r.u32();
      const flags = r.u32();
      if (flags & ~KNOWN_SEAL_FLAGS) throw new FormatError("malformed", `unknown seal flags 0x${flags.toString(16)}`);
      const seal: Seal = {
        offset: f.offset,
        t: f.t,
        count,
        flags,
        covered: bytes.subarray(f.offset, f.offset + SEAL_COVERED_SIZE),
        entryHash: r.take(HASH_SIZE),
        link: r.take(HASH_SIZE),
        keyId: r.take(KEY_ID_SIZE),
        signature: r.take(SIGNATURE_SIZE),
      };
      if (r.remaining !== 0) throw new FormatError("malformed", `${r.remaining} bytes after the seal`);
      return { bytes, header, headerBytes, records, seal, size: bytes.length };
    }
    if (f.flags !== 0) throw new FormatError("malformed", `record ${records.length} has unknown flags 0x${f.flags.toString(16)}`);
    if (f.length + RECORD_CHECK_SIZE > r.remaining)
      throw new FormatError("truncated", `record ${records.length} claims ${f.length} bytes, only ${Math.max(0, r.remaining - RECORD_CHECK_SIZE)} left`);
    const payload = r.take(f.length);
    r.offset += RECORD_CHECK_SIZE;
    records.push({ code: f.code, t: f.t, offset: f.offset, payload });
  }
}

/** What recomputing an entry's hashes found. */
export interface EntryIntegrity {
  /** The entry hash recomputed: SHA-256 of every byte before the seal's entry hash field. */
  entryHash: Uint8Array;
  entryHashOk: boolean;
  /** Indexes of records whose own check does not match their bytes (computed only when the entry hash does not match). */
  badRecords: number[];
  countOk: boolean;
  /** The seal's link is the chain rule applied to this entry's previous link and its stored entry hash. */
  linkOk: boolean;
}

const recordHash = new Sha256();
const entryHash = new Sha256();

function recordCheckOk(bytes: Uint8Array, rec: RecordSpan): boolean {
  recordHash.write(spanFrame(bytes, rec));
  recordHash.write(rec.payload);
  return bytesEqual(recordHash.finish(), spanCheck(bytes, rec));
}

/** The bytes the entry hash covers: everything before the seal's entry hash field. */
export function entryHashSpan(e: ParsedEntry): Uint8Array {
  return e.bytes.subarray(0, e.seal.offset + SEAL_COVERED_SIZE);
}

/**
 * Recomputes an entry's hashes. One pass over the bytes when the entry is intact; the
 * per-record checks are recomputed only to say which records changed when it is not.
 * A caller that already hashed entryHashSpan(e) (the store, hashing the whole file in the
 * same pass) passes that hash in.
 */
export function checkIntegrity(e: ParsedEntry, computed?: Uint8Array): EntryIntegrity {
  if (!computed) {
    entryHash.write(entryHashSpan(e));
    computed = entryHash.finish();
  }
  const entryHashOk = bytesEqual(computed, e.seal.entryHash);
  const badRecords: number[] = [];
  if (!entryHashOk) for (let i = 0; i < e.records.length; i++) if (!recordCheckOk(e.bytes, e.records[i])) badRecords.push(i);
  return {
    entryHash: computed,
    entryHashOk,
    badRecords,
    countOk: e.seal.count === e.records.length,
    linkOk: bytesEqual(linkOf(e.header.prevLink, e.seal.entryHash, e.header.seq), e.seal.link),
  };
}

/** An open (unsealed) entry as boot recovery finds it. */
export interface OpenEntryScan {
  header: EntryHeader;
  headerBytes: Uint8Array;
  /** Records whose check matches, in order, up to the first one that does not. */
  records: RecordSpan[];
  /** Bytes from the start of the file through the last intact record. */
  intactLength: number;
  /** Why the scan stopped before the end of the file, if it did. */
  stopped?: string;
}

/**
 * Scans an entry that was being written when power was lost. The header must be intact
 * (it is written and synced before any record); records are kept while each is complete
 * and its check matches. Throws FormatError only when the header itself is unusable.
 */
export function scanOpenEntry(bytes: Uint8Array): OpenEntryScan {
  const r = new ByteReader(bytes);
  const header = decodeHeader(r);
  const records: RecordSpan[] = [];
  let stopped: string | undefined;
  while (r.remaining > 0) {
    if (r.remaining < RECORD_FRAME_SIZE) {
      stopped = "partial record frame";
      break;
    }
    const f = readFrame(r);
    if (f.code === SEAL_TYPE || f.flags !== 0) {
      stopped = "not a record frame";
      break;
    }
    if (f.length + RECORD_CHECK_SIZE > r.remaining) {
      stopped = "partial record";
      break;
    }
    const rec = { code: f.code, t: f.t, offset: f.offset, payload: r.take(f.length) };
    r.offset += RECORD_CHECK_SIZE;
    if (!recordCheckOk(bytes, rec)) {
      stopped = "record check mismatch";
      break;
    }
    records.push(rec);
  }
  const last = records[records.length - 1];
  const intactLength = last ? spanEnd(last) : HEADER_SIZE;
  return stopped === undefined
    ? { header, headerBytes: bytes.subarray(0, HEADER_SIZE), records, intactLength }
    : { header, headerBytes: bytes.subarray(0, HEADER_SIZE), records, intactLength, stopped };
}
