// Split entries: an entry whose card was pulled out while it was being written.
//
// The card holds the entry's first bytes, as far as the device saw them committed; the bytes
// the card never took (still in the write queue) and the seal, which the device computed from
// its running hash, go to the internal flash as the entry's tail. Nothing is lost and the chain
// goes on at once; the entry is the prefix's first `prefixBytes` bytes followed by the tail, and
// its seal covers them as it covers any entry (docs/FORMAT.md "Split entries").
//
//   card      ev/DDDDDDD/SSSSSSSSSS.qcp   the prefix part: the card's file as it was left
//   internal  ev/DDDDDDD/SSSSSSSSSS.qct   the tail part: a part header, then the tail bytes
import { ByteReader, ByteWriter, bytesEqual, concatBytes, FormatError } from "./bytes";
import { HEADER_SIZE } from "./format";
import { decodeHeader, type EntryHeader } from "./header";
import { entryPath } from "./naming";

export const PREFIX_SUFFIX = ".qcp";
export const TAIL_SUFFIX = ".qct";

const TAIL_MAGIC = 0x54504351; // "QCPT" little-endian
const TAIL_VERSION = 1;
/** magic, version, flags, prefixBytes, then a copy of the entry's header. */
export const TAIL_HEADER_SIZE = 4 + 2 + 2 + 8 + HEADER_SIZE;

export function prefixPartPath(seq: number): string {
  return entryPath(seq).replace(/\.qce$/, PREFIX_SUFFIX);
}

export function tailPartPath(seq: number): string {
  return entryPath(seq).replace(/\.qce$/, TAIL_SUFFIX);
}

/** The seq and part a file name claims, if it names a part. */
export function parsePartName(path: string): { seq: number; part: "prefix" | "tail" } | undefined {
  const m = /^(\d{10})\.(qcp|qct)$/.exec(path.slice(path.lastIndexOf("/") + 1));
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (seq > 0xffffffff) return undefined;
  return { seq, part: m[2] === "qcp" ? "prefix" : "tail" };
}

/** The tail part's header: how much of the entry is on the card, and the entry's own header. */
export interface TailHeader {
  prefixBytes: number;
  headerBytes: Uint8Array;
  header: EntryHeader;
}

export function encodeTailHeader(prefixBytes: number, headerBytes: Uint8Array): Uint8Array {
  if (headerBytes.length !== HEADER_SIZE) throw new RangeError("a tail part carries the entry's 88-byte header");
  return new ByteWriter(TAIL_HEADER_SIZE).u32(TAIL_MAGIC).u16(TAIL_VERSION).u16(0).u64(prefixBytes).bytes(headerBytes).toBytes();
}

/** Throws FormatError when the bytes do not start with a tail part header. */
export function decodeTailHeader(bytes: Uint8Array): TailHeader {
  if (bytes.length < TAIL_HEADER_SIZE) throw new FormatError("truncated", `tail part of ${bytes.length} bytes has no part header`);
  const r = new ByteReader(bytes.subarray(0, TAIL_HEADER_SIZE));
  if (r.u32() !== TAIL_MAGIC) throw new FormatError("malformed", "not a tail part (magic)");
  const version = r.u16();
  if (version !== TAIL_VERSION) throw new FormatError("malformed", `tail part version ${version} is not ${TAIL_VERSION}`);
  if (r.u16() !== 0) throw new FormatError("malformed", "tail part flags are not 0");
  const prefixBytes = r.u64();
  if (prefixBytes < HEADER_SIZE) throw new FormatError("malformed", `tail part says the card holds ${prefixBytes} bytes, less than the header`);
  const headerBytes = r.take(HEADER_SIZE).slice();
  return { prefixBytes, headerBytes, header: decodeHeader(new ByteReader(headerBytes)) };
}

/** The whole entry from its two parts. Throws FormatError when they do not fit together. */
export function joinParts(prefix: Uint8Array, tail: Uint8Array): Uint8Array {
  const t = decodeTailHeader(tail);
  if (prefix.length < t.prefixBytes) throw new FormatError("truncated", `the card's part holds ${prefix.length} bytes of the ${t.prefixBytes} the tail continues`);
  if (!bytesEqual(prefix.subarray(0, HEADER_SIZE), t.headerBytes)) throw new FormatError("malformed", "the card's part and the tail part carry different headers");
  return concatBytes([prefix.subarray(0, t.prefixBytes), tail.subarray(TAIL_HEADER_SIZE)]);
}

/** A file of a volume, by its path relative to the volume's root. */
export interface VolumeFile {
  path: string;
  bytes: Uint8Array;
}

export interface JoinedFiles<F extends VolumeFile> {
  /** Every file but the parts, and each entry whose parts were both there, as its sealed name. */
  files: (F | VolumeFile)[];
  /** What could not be joined: a part whose other half is not among the files. */
  notes: string[];
}

/**
 * Gathers the files of the volumes a unit wrote (internal flash and card, in any order) into
 * the chain's entry files: split entries joined under their sealed name, a part without its
 * other half left out with a note (the verifier then reports that entry missing).
 */
export function joinSplitEntries<F extends VolumeFile>(files: readonly F[]): JoinedFiles<F> {
  const parts = new Map<number, { prefix?: F; tail?: F }>();
  const out: (F | VolumeFile)[] = [];
  const notes: string[] = [];
  for (const f of files) {
    const p = parsePartName(f.path);
    if (!p) {
      out.push(f);
      continue;
    }
    const slot = parts.get(p.seq) ?? {};
    slot[p.part] = f;
    parts.set(p.seq, slot);
  }
  for (const [seq, { prefix, tail }] of [...parts].sort((a, b) => a[0] - b[0])) {
    if (prefix && tail) {
      try {
        out.push({ path: entryPath(seq), bytes: joinParts(prefix.bytes, tail.bytes) });
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        notes.push(`entry ${seq}: its card part ${prefix.path} and internal part ${tail.path} do not join: ${e.message}`);
      }
    } else if (tail) {
      let where = "";
      try {
        where = ` (the card's first ${decodeTailHeader(tail.bytes).prefixBytes} bytes)`;
      } catch {
        // the tail's own damage is reported once it is joined; here only the missing half is news
      }
      notes.push(`entry ${seq} was split when its card was pulled out: ${tail.path} is its tail, its first part${where} is on the card, which was not given`);
    } else notes.push(`entry ${seq} was split when its card was pulled out: ${prefix!.path} is its first part, its tail and seal are on the unit's internal flash, which was not given`);
  }
  return { files: out, notes };
}
