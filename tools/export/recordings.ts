// What an export needs of each recording, gathered from the chain's usable entries in
// sequence order: its media (frames, audio, GNSS fixes) with wall-clock times, and the
// officer and case records in force when it started (art. 9, 15).
import {
  decodePayload,
  HEADER_FLAG_CLOCK_UNSET,
  parseEntry,
  parseEntryName,
  checkIntegrity,
  recordNameOf,
  type EntryHeader,
  type ParsedEntry,
  type RecordData,
  readableEntry,
  type EntryOpener,
} from '../../firmware/core/evidence';
import type { PcmFormat } from './wav';

export interface FrameSample {
  /** Capture time, wall-clock ms since 1970 (entry wallStart + record t). */
  at: number;
  seq: number;
  width: number;
  height: number;
  image: Uint8Array;
}

export interface AudioSample {
  /** When the chunk was handed over, i.e. the end of its samples (wall-clock ms). */
  end: number;
  seq: number;
  /** Boot count: sample counters restart with the device. */
  session: number;
  firstSample: number;
  format: PcmFormat;
  samples: Uint8Array;
}

export type FixSample = RecordData<'gnss-fix'> & { at: number; seq: number };
export type OfficerInfo = RecordData<'officer'> & { seq: number };
export type CaseInfo = RecordData<'case-tag'> & { seq: number };

export interface RecordingMaterial {
  recording: number;
  /** Sequence numbers of the entries that carry its media. */
  entries: number[];
  profile: string | null;
  officer: OfficerInfo | null;
  caseTag: CaseInfo | null;
  frames: FrameSample[];
  audio: AudioSample[];
  fixes: FixSample[];
  /** Some of its entries were written with the wall clock unset (times are not trustworthy). */
  clockUnset: boolean;
}

function newMaterial(recording: number): RecordingMaterial {
  return { recording, entries: [], profile: null, officer: null, caseTag: null, frames: [], audio: [], fixes: [], clockUnset: false };
}

export interface UsableEntry {
  path: string;
  entry: ParsedEntry;
}

/**
 * The entries media may be taken from: sealed, hashes and link recomputed sound, stored
 * under their own name, and at no seq the verifier named a problem at; in seq order.
 */
export function usableEntries(files: readonly { path: string; bytes: Uint8Array }[], problemSeqs: ReadonlySet<number>, open?: EntryOpener): UsableEntry[] {
  const out = new Map<number, UsableEntry>();
  for (const f of files) {
    const name = parseEntryName(f.path);
    if (!name?.sealed) continue;
    let e: ParsedEntry;
    try {
      e = parseEntry(f.bytes);
    } catch {
      continue;
    }
    const i = checkIntegrity(e);
    const seq = e.header.seq;
    if (!i.entryHashOk || !i.countOk || !i.linkOk || seq !== name.seq || problemSeqs.has(seq) || out.has(seq)) continue;
    // Encrypted content only through the store key's opener (FORMAT §7a), never as ciphertext.
    const readable = readableEntry(e, open);
    if (readable) out.set(seq, { path: f.path, entry: readable });
  }
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, u]) => u);
}

/** Each recording's material, by recording number. */
export function collectRecordings(entries: readonly ParsedEntry[]): Map<number, RecordingMaterial> {
  const recordings = new Map<number, RecordingMaterial>();
  const of = (n: number) => {
    let m = recordings.get(n);
    if (!m) recordings.set(n, (m = newMaterial(n)));
    return m;
  };
  let officer: OfficerInfo | null = null;
  let caseTag: CaseInfo | null = null;
  for (const e of entries) {
    const h: EntryHeader = e.header;
    const wall = (t: number) => h.wallStart + t;
    const media = h.recording !== 0 ? of(h.recording) : undefined;
    if (media) {
      media.entries.push(h.seq);
      if ((h.flags & HEADER_FLAG_CLOCK_UNSET) !== 0) media.clockUnset = true;
      // A segment whose record-start was offloaded: the records in force before its media.
      media.officer ??= officer;
      media.caseTag ??= caseTag;
    }
    for (const span of e.records) {
      const name = recordNameOf(span.code);
      if (name === undefined) continue;
      let rec;
      try {
        rec = decodePayload(span.code, span.t, span.payload);
      } catch {
        continue; // the verifier reports it as malformed
      }
      switch (rec.type) {
        case 'video-frame':
          if (media) media.frames.push({ at: wall(rec.t), seq: h.seq, width: rec.data.width, height: rec.data.height, image: rec.data.image });
          break;
        case 'audio-chunk': {
          const d = rec.data;
          if (media && d.sampleRate > 0 && d.channels > 0 && (d.bitsPerSample === 8 || d.bitsPerSample === 16))
            media.audio.push({
              end: wall(rec.t),
              seq: h.seq,
              session: h.session,
              firstSample: d.firstSample,
              format: { sampleRate: d.sampleRate, channels: d.channels, bitsPerSample: d.bitsPerSample },
              samples: d.samples,
            });
          break;
        }
        case 'gnss-fix':
          if (media) media.fixes.push({ ...rec.data, at: wall(rec.t), seq: h.seq });
          break;
        case 'officer':
          officer = { ...rec.data, seq: h.seq };
          break;
        case 'case-tag':
          caseTag = { ...rec.data, seq: h.seq };
          break;
        case 'record-start': {
          const m = of(rec.data.recording);
          m.profile = rec.data.profile;
          m.officer = officer;
          m.caseTag = caseTag;
          break;
        }
        default:
          break;
      }
    }
  }
  return recordings;
}
