// The verifier: recomputes every hash, link and signature of a set of entry files and
// says whether they form one intact chain, what is wrong if not, and the compliance view.
// Pure: the device (checking its own store) and the tools share it.
import { FormatError, bytesEqual, toHex } from "./bytes";
import { complianceView, type ComplianceView, type DeadlineRule, type PlacedRecord } from "./compliance";
import { checkIntegrity, parseEntry, type EntryIntegrity, type ParsedEntry } from "./entry-reader";
import { genesisLink } from "./link";
import { decodePayload } from "./payload";
import { isClearCode, RECORDS, recordNameOf, type EvidenceRecord, type RecordName } from "./schema";
import { keyIdOf, type SignatureChecker } from "./signer";
import { parseEntryName } from "./naming";
import { AUDIO_CHUNK_CODE, tallyMedia, VIDEO_FRAME_CODE, type MediaTally } from "./media-tally";
import { contentKeyRecord, isEncryptedEntry, type EntryOpener } from "./encrypted-entry";

export type ProblemKind =
  | "modified" // bytes differ from what was sealed
  | "missing" // a sequence number has no entry
  | "reordered" // an entry sits under another entry's name
  | "inserted" // an entry that does not belong: a duplicate or a stranger at a taken position
  | "truncated" // an entry file ends early
  | "bad-signature" // the seal's signature does not verify
  | "foreign-key" // signed by a key other than the device's
  | "foreign-device" // an entry of another device's chain
  | "broken-link" // an entry does not continue the link of the one before it
  | "malformed" // not an entry, or a record that does not fit its layout
  | "head-mismatch" // the chain does not reach the expected head
  | "no-key"; // no device key to check signatures against

export interface Problem {
  kind: ProblemKind;
  /** The sequence number concerned, null when none can be named. */
  seq: number | null;
  detail: string;
}

export interface EntryFile {
  /** Path relative to the volume or directory root, '/'-separated. */
  path: string;
  bytes: Uint8Array;
}

export interface VerifyOptions {
  checker: SignatureChecker;
  /** The device's public key (SEC1 uncompressed) from a trusted source, e.g. provisioning records. */
  deviceKey?: Uint8Array;
  /** Head the chain must reach: a sequence and its link (or a prefix of the link's hex, ≥ 16 digits). */
  expectHead?: { seq: number; link: string };
  /** Where the chain segment starts when earlier entries were offloaded: the last removed entry's seq and link. */
  anchor?: { seq: number; link: Uint8Array };
  /** Art. 14: each recording's offload deadline from its start, judged at `now` (ms since 1970). */
  deadline?: DeadlineRule;
  /**
   * Decrypts encrypted entries (FORMAT §7a) with the designated store's key, called only on
   * intact ones; without it their content is not read. Its FormatError is the entry's
   * "malformed"; any other error (a wrong key) is the caller's and propagates.
   */
  open?: EntryOpener;
}

export interface VerifyReport {
  ok: boolean;
  deviceId: string | null;
  head: { seq: number; hash: string } | null;
  /** Entry files examined (sealed). */
  entries: number;
  first: number | null;
  key: { id: string; source: "device-key" | "chain" } | null;
  problems: Problem[];
  /** Things worth knowing that are not integrity problems (an entry still open, ...). */
  notes: string[];
  /** Encrypted entries (FORMAT §7a) among those examined, and whether their content was read (with the store's key). */
  encrypted: { entries: number; contentRead: boolean };
  compliance: ComplianceView;
}

/** The input is not something the verifier can judge: no entry at all, or a format it does not know. */
export class VerifyInputError extends Error {}

interface Candidate {
  path: string;
  nameSeq: number;
  /** Sequence the header claims, when the header could be read. */
  headerSeq?: number;
  parsed?: ParsedEntry;
  integrity?: EntryIntegrity;
  error?: FormatError;
  bytes: Uint8Array;
  /** Parsed, hashes and link check out: its header can be believed, its place is the header's seq. */
  sound: boolean;
  /** Sound and signed by the device key. */
  intact: boolean;
}

/** Where an entry belongs: its header's word if the entry is sound, else its file name's. */
function placeOf(c: Candidate): number {
  return c.sound ? c.headerSeq! : c.nameSeq;
}

export function verifyChain(files: readonly EntryFile[], options: VerifyOptions): VerifyReport {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const problem = (kind: ProblemKind, seq: number | null, detail: string) => problems.push({ kind, seq, detail });

  // 1. Parse every sealed entry file and recompute its hashes.
  const candidates: Candidate[] = [];
  for (const f of files) {
    const name = parseEntryName(f.path);
    if (!name) continue;
    if (!name.sealed) {
      notes.push(`${f.path}: entry ${name.seq} is open (being written or awaiting boot recovery), not verified`);
      continue;
    }
    const c: Candidate = { path: f.path, nameSeq: name.seq, bytes: f.bytes, sound: false, intact: false };
    try {
      c.parsed = parseEntry(f.bytes);
      c.headerSeq = c.parsed.header.seq;
      c.integrity = checkIntegrity(c.parsed);
      c.sound = c.integrity.entryHashOk && c.integrity.countOk && c.integrity.linkOk;
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      c.error = e;
    }
    candidates.push(c);
  }
  if (candidates.length === 0) throw new VerifyInputError("no evidence entries (*.qce) found");
  if (!candidates.some((c) => c.parsed)) {
    const c = candidates[0];
    throw new VerifyInputError(`not an evidence chain: ${c.path}: ${c.error?.message ?? "unreadable"}`);
  }

  // 2. Which device, which key.
  const ordered = [...candidates].sort((a, b) => placeOf(a) - placeOf(b) || a.path.localeCompare(b.path));
  const deviceId = (ordered.find((c) => c.sound) ?? ordered.find((c) => c.parsed)!).parsed!.header.deviceId;
  let trustedKey: Uint8Array | undefined = options.deviceKey;
  let keySource: "device-key" | "chain" = "device-key";
  const announced = findAnnouncedKey(ordered, deviceId);
  if (trustedKey && announced && !bytesEqual(announced.key, trustedKey))
    problem("foreign-key", announced.seq, "the chain announces a device key other than the one given");
  if (!trustedKey && announced) {
    trustedKey = announced.key;
    keySource = "chain";
  }
  if (!trustedKey) problem("no-key", null, "no device key to check signatures against: the chain's key announcement is absent (pass --device-key)");
  const trustedKeyId = trustedKey ? keyIdOf(trustedKey) : undefined;

  // 3. Each entry on its own: structure, hashes, link rule, device, key, signature.
  for (const c of candidates) {
    if (c.error) {
      problem(c.error.kind, c.nameSeq, `${c.path}: ${c.error.message}`);
      continue;
    }
    const e = c.parsed!;
    const integ = c.integrity!;
    if (!c.sound) {
      const faults: string[] = [];
      if (integ.badRecords.length > 0) faults.push(`record${integ.badRecords.length > 1 ? "s" : ""} ${integ.badRecords.slice(0, 5).join(", ")}${integ.badRecords.length > 5 ? ", ..." : ""} altered`);
      if (!integ.countOk) faults.push(`seal counts ${e.seal.count} records, entry has ${e.records.length}`);
      if (!integ.entryHashOk && integ.badRecords.length === 0) faults.push("header, record framing or seal altered (entry hash mismatch)");
      if (!integ.linkOk) faults.push("seal link does not follow from the entry hash");
      problem("modified", c.nameSeq, `${c.path}: ${faults.join("; ")}`);
      continue;
    }
    const seq = c.headerSeq!;
    if (e.header.deviceId !== deviceId) {
      problem("foreign-device", seq, `${c.path}: entry of device ${e.header.deviceId}, chain is ${deviceId}`);
      continue;
    }
    if (isEncryptedEntry(e))
      try {
        contentKeyRecord(e);
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        problem("malformed", seq, `${c.path}: ${err.message}`);
        continue;
      }
    if (!trustedKeyId) continue;
    if (!bytesEqual(e.seal.keyId, trustedKeyId)) {
      problem("foreign-key", seq, `${c.path}: signed by key ${toHex(e.seal.keyId)}, device key is ${toHex(trustedKeyId)}`);
      continue;
    }
    if (!options.checker.verify(trustedKey!, e.seal.link, e.seal.signature)) {
      problem("bad-signature", seq, `${c.path}: seal signature does not verify`);
      continue;
    }
    c.intact = true;
  }

  // 4. Positions: duplicates, names, gaps, links.
  const bySeq = new Map<number, Candidate[]>();
  for (const c of ordered) {
    const seq = placeOf(c);
    const list = bySeq.get(seq);
    if (list) list.push(c);
    else bySeq.set(seq, [c]);
  }
  const chosen = new Map<number, Candidate>();
  for (const [seq, list] of bySeq) {
    // Prefer the intact file stored under its own name.
    const pick = list.find((c) => c.intact && c.nameSeq === seq) ?? list.find((c) => c.intact) ?? list.find((c) => c.nameSeq === seq) ?? list[0];
    chosen.set(seq, pick);
    for (const c of list) {
      if (c === pick) continue;
      const same = bytesEqual(c.bytes, pick.bytes);
      problem("inserted", seq, `${c.path}: ${same ? "duplicate of" : "a second entry claiming the position of"} entry ${seq}`);
    }
    if (pick.nameSeq !== seq) problem("reordered", seq, `${pick.path}: holds entry ${seq}`);
  }

  const seqs = [...chosen.keys()].sort((a, b) => a - b);
  // With no anchor given, a chain that starts after 0 may name its own: the device's
  // signed journal of a verified store receipt and of the space it then reclaimed.
  const reclaimed = options.anchor || seqs[0] === 0 ? undefined : reclaimAnchor(seqs.map((s) => chosen.get(s)!), deviceId);
  const anchor = options.anchor ?? reclaimed;
  if (reclaimed) notes.push(`entries 0-${reclaimed.seq} were offloaded to the designated store ${reclaimed.store} (its receipt is journaled in entry ${reclaimed.journaledIn}) and reclaimed on the device; the chain here continues from the receipt's link`);
  const start = anchor ? anchor.seq + 1 : 0;
  const last = seqs[seqs.length - 1];
  for (const s of seqs) {
    if (s >= start) continue;
    if (reclaimed) notes.push(`entry ${s} was reclaimed but is still on the volume (removal interrupted), not verified`);
    else problem("inserted", s, `entry ${s} precedes the anchor (${start - 1})`);
  }
  let expected = start;
  for (const s of seqs) {
    if (s < start) continue;
    if (s > expected) problem("missing", expected, s - 1 === expected ? `entry ${expected} is missing` : `entries ${expected}-${s - 1} are missing`);
    expected = s + 1;
  }

  for (const s of seqs) {
    const c = chosen.get(s)!;
    if (!c.sound || c.parsed!.header.deviceId !== deviceId || s < start) continue;
    let want: Uint8Array | undefined;
    let from = "";
    if (s === start) {
      want = anchor ? anchor.link : genesisLink(deviceId);
      from = reclaimed ? "the store receipt's link" : anchor ? "the anchor" : "the genesis link";
    } else {
      const prev = chosen.get(s - 1);
      if (prev?.sound && prev.parsed!.header.deviceId === deviceId) {
        want = prev.parsed!.seal.link;
        from = `entry ${s - 1}`;
      }
    }
    if (want && !bytesEqual(c.parsed!.header.prevLink, want)) problem("broken-link", s, `${c.path}: does not continue the chain from ${from}`);
  }

  // 5. Head.
  let head: VerifyReport["head"] = null;
  for (let i = seqs.length - 1; i >= 0; i--) {
    const c = chosen.get(seqs[i])!;
    if (c.sound && c.parsed!.header.deviceId === deviceId) {
      head = { seq: seqs[i], hash: toHex(c.parsed!.seal.link) };
      break;
    }
  }
  if (options.expectHead) {
    const want = options.expectHead;
    const at = chosen.get(want.seq);
    if (!at || !at.sound) problem("head-mismatch", want.seq, `expected head ${want.seq} is not in the chain (it ends at ${last})`);
    else if (!toHex(at.parsed!.seal.link).startsWith(want.link.toLowerCase())) problem("head-mismatch", want.seq, `entry ${want.seq} has link ${toHex(at.parsed!.seal.link)}, expected ${want.link}`);
  }

  // 6. Compliance view from the intact entries, in chain order. An encrypted entry is read
  // only through the store key's opener; without it only its clear records and the count of
  // its frames are (its other payloads are ciphertext).
  const placed: PlacedRecord[] = [];
  const media = new Map<number, MediaTally>();
  const encryptedEntries = candidates.filter((c) => c.parsed && isEncryptedEntry(c.parsed)).length;
  const contentRead = encryptedEntries === 0 || options.open !== undefined;
  for (const s of seqs) {
    const c = chosen.get(s)!;
    if (!c.intact) continue;
    const recording = c.parsed!.header.recording;
    const sealed = isEncryptedEntry(c.parsed!) && !options.open;
    let entry = c.parsed!;
    if (options.open && isEncryptedEntry(entry))
      try {
        entry = options.open(entry);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        problem("malformed", s, `${c.path}: ${e.message}`);
        continue;
      }
    for (const span of entry.records) {
      if (span.code === VIDEO_FRAME_CODE || span.code === AUDIO_CHUNK_CODE) {
        let tally = media.get(recording);
        if (!tally) media.set(recording, (tally = { entries: new Set(), frames: 0, audioMs: 0 }));
        if (sealed) {
          tally.entries.add(s);
          if (span.code === VIDEO_FRAME_CODE) tally.frames++;
          continue;
        }
        try {
          tallyMedia(tally, s, span.code, span.payload);
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          problem("malformed", s, `${c.path}: record at byte ${span.offset}: ${e.message}`);
        }
        continue;
      }
      if (recordNameOf(span.code) === undefined)
        throw new VerifyInputError(`${c.path}: unsupported record type 0x${span.code.toString(16).padStart(4, "0")} (written by newer firmware?)`);
      if (sealed && !isClearCode(span.code)) continue;
      let record: EvidenceRecord;
      try {
        record = decodePayload(span.code, span.t, span.payload);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        problem("malformed", s, `${c.path}: record at byte ${span.offset}: ${e.message}`);
        continue;
      }
      placed.push({ seq: s, header: entry.header, record });
    }
  }

  problems.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  return {
    ok: problems.length === 0,
    deviceId,
    head,
    entries: candidates.length,
    first: seqs.length ? seqs[0] : null,
    key: trustedKeyId ? { id: toHex(trustedKeyId), source: keySource } : null,
    problems,
    notes,
    encrypted: { entries: encryptedEntries, contentRead },
    compliance: complianceView(placed, media, options.deadline, contentRead),
  };
}

/**
 * The anchor a device's journal names for its reclaimed entries: a space-reclaimed record
 * whose receipt (an offload-receipt record for the same entry, with its link) is also in
 * an intact entry here. The latest such reclaim wins.
 */
function reclaimAnchor(ordered: readonly Candidate[], deviceId: string): { seq: number; link: Uint8Array; store: string; journaledIn: number } | undefined {
  const receipts = new Map<number, { link: Uint8Array; store: string; seq: number }>();
  let found: { seq: number; link: Uint8Array; store: string; journaledIn: number } | undefined;
  for (const { entry, rec } of recordsOf(ordered, deviceId, ["offload-receipt", "space-reclaimed"])) {
    if (rec.type === "offload-receipt") receipts.set(rec.data.throughSeq, { link: rec.data.throughLink, store: rec.data.store, seq: entry.header.seq });
    else if (rec.type === "space-reclaimed") {
      const r = receipts.get(rec.data.throughSeq);
      if (r && (!found || rec.data.throughSeq > found.seq)) found = { seq: rec.data.throughSeq, link: r.link, store: r.store, journaledIn: r.seq };
    }
  }
  return found;
}

/** The readable records of the given types in this device's sound entries, in chain order. */
function* recordsOf(ordered: readonly Candidate[], deviceId: string, types: readonly RecordName[]): Generator<{ entry: ParsedEntry; rec: EvidenceRecord }> {
  const codes: number[] = types.map((t) => RECORDS[t].code);
  for (const c of ordered) {
    const entry = c.parsed;
    if (!entry || !c.sound || entry.header.deviceId !== deviceId) continue;
    for (const span of entry.records) {
      if (!codes.includes(span.code)) continue;
      let rec: EvidenceRecord;
      try {
        rec = decodePayload(span.code, span.t, span.payload);
      } catch {
        continue;
      }
      yield { entry, rec };
    }
  }
}

/**
 * The key the chain announces: the earliest device-key record in a sound entry of this
 * device whose seal carries that key's id; failing that, the earliest readable one (so
 * an announcing entry whose seal was damaged is still judged against its own key).
 */
function findAnnouncedKey(ordered: readonly Candidate[], deviceId: string): { key: Uint8Array; seq: number } | undefined {
  let fallback: { key: Uint8Array; seq: number } | undefined;
  for (const { entry, rec } of recordsOf(ordered, deviceId, ["device-key"])) {
    if (rec.type !== "device-key") continue;
    const found = { key: rec.data.publicKey, seq: entry.header.seq };
    if (bytesEqual(keyIdOf(found.key), entry.seal.keyId)) return found;
    fallback ??= found;
  }
  return fallback;
}
