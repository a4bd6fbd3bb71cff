// What the report draws that the verifier's compliance view leaves out: each recording's
// pre-event span, its GNSS fixes and fix losses, and where each spoken explanation sits
// in the recording's exported media. Read from the entries the verifier did not fault.
//
// The media clock is the exporter's (tools/export/timeline.ts): a recording's pictures
// and audio lie on its wall clock from the earliest picture or audio sample, gaps being
// silence, so a moment's position in the media is its distance from that origin. Raw
// entry times are used for it (as the exporter does), even when the clock was unset.
import {
  FormatError,
  HEADER_FLAG_CLOCK_UNSET,
  RECORDS,
  checkIntegrity,
  decodePayload,
  parseEntry,
  parseEntryName,
  type EntryFile,
  type EntryHeader,
  type ParsedEntry,
  type RecordSpan,
  type VerifyReport,
  readableEntry,
  type EntryOpener,
} from '../../firmware/core/evidence';

/** Degrees; `at` is wall-clock ms, null when the device's clock was not set. */
export interface TrackPoint {
  at: number | null;
  lat: number;
  lon: number;
}

/** A stretch without a GNSS fix: from the last known position to where the fix came back. */
export interface FixLoss {
  lostAt: number | null;
  regainedAt: number | null;
  from: { lat: number; lon: number } | null;
  to: { lat: number; lon: number } | null;
}

/** An explanation's audio: when it was spoken, and where it sits in the recording's audio. */
export interface ExplanationAudio {
  from: number | null;
  durationMs: number;
  /** Seconds into the recording's exported media; null when its media entry is not at hand. */
  audioFromS: number | null;
  mediaSeq: number;
}

export interface RecordingDetails {
  preEventMs: number;
  fixes: TrackPoint[];
  fixLosses: FixLoss[];
  /** By interruption number. */
  explanations: Map<number, ExplanationAudio>;
  /** Latest wall-clock time of any of its records: the end when no stop is journaled. */
  lastAt: number | null;
  /** Raw wall-clock ms of media position 0: the earliest picture or audio sample. */
  mediaOrigin: number | null;
}

interface Entry {
  header: EntryHeader;
  records: RecordSpan[];
}

const CODE = {
  start: RECORDS['record-start'].code,
  fix: RECORDS['gnss-fix'].code,
  lost: RECORDS['gnss-lost'].code,
  regained: RECORDS['gnss-regained'].code,
  audio: RECORDS['audio-chunk'].code,
  frame: RECORDS['video-frame'].code,
  explanation: RECORDS['explanation'].code,
} as const;
const WANTED = new Set<number>(Object.values(CODE));

/** Sealed entries that parse, whose hashes hold, of the report's device, at seqs no problem names; in seq order. */
export function trustedEntries(report: VerifyReport, files: readonly EntryFile[], open?: EntryOpener): Entry[] {
  const faulted = new Set(report.problems.map((p) => p.seq));
  const bySeq = new Map<number, ParsedEntry>();
  for (const f of files) {
    const name = parseEntryName(f.path);
    if (!name?.sealed || faulted.has(name.seq)) continue;
    let e: ParsedEntry;
    try {
      e = parseEntry(f.bytes);
    } catch (err) {
      if (err instanceof FormatError) continue;
      throw err;
    }
    const i = checkIntegrity(e);
    if (!(i.entryHashOk && i.countOk && i.linkOk) || e.header.deviceId !== report.deviceId || faulted.has(e.header.seq)) continue;
    // Encrypted content only through the store key's opener (FORMAT §7a), never as ciphertext.
    const readable = readableEntry(e, open);
    if (readable && !bySeq.has(e.header.seq)) bySeq.set(e.header.seq, readable);
  }
  return [...bySeq.values()].sort((a, b) => a.header.seq - b.header.seq).map((e) => ({ header: e.header, records: e.records }));
}

const wallOf = (h: EntryHeader, t: number): number | null => ((h.flags & HEADER_FLAG_CLOCK_UNSET) !== 0 ? null : h.wallStart + t);
const earliest = (d: RecordingDetails, at: number) => {
  d.mediaOrigin = d.mediaOrigin === null ? at : Math.min(d.mediaOrigin, at);
};
const degrees = (e7: number): number => e7 / 1e7;

export function chainDetails(report: VerifyReport, files: readonly EntryFile[], opener?: EntryOpener): Map<number, RecordingDetails> {
  const entries = trustedEntries(report, files, opener);
  const headers = new Map(entries.map((e) => [e.header.seq, e.header]));
  const out = new Map<number, RecordingDetails>();
  const pendingExplanations: { recording: number; interruption: number; mediaSeq: number; offsetMs: number; durationMs: number }[] = [];
  const open = new Map<number, FixLoss>();
  const spans = report.compliance.recordings.map((v) => ({ n: v.recording, from: v.start?.at ?? null, to: v.stop?.at ?? null }));

  const details = (n: number): RecordingDetails => {
    let d = out.get(n);
    if (!d) out.set(n, (d = { preEventMs: 0, fixes: [], fixLosses: [], explanations: new Map(), lastAt: null, mediaOrigin: null }));
    return d;
  };
  // A journal record outside a media entry belongs to the recording running at its time, if any.
  const recordingAt = (h: EntryHeader, at: number | null): number => {
    if (h.recording !== 0 || at === null) return h.recording;
    return spans.find((s) => s.from !== null && s.from <= at && (s.to === null || at <= s.to))?.n ?? 0;
  };

  for (const { header: h, records } of entries) {
    for (const span of records) {
      if (!WANTED.has(span.code)) continue;
      if (span.code === CODE.frame) {
        // Only its time matters: the picture stays undecoded.
        if (h.recording !== 0) earliest(details(h.recording), h.wallStart + span.t);
        continue;
      }
      let r;
      try {
        r = decodePayload(span.code, span.t, span.payload);
      } catch (err) {
        if (err instanceof FormatError) continue; // the verifier reported it
        throw err;
      }
      const at = wallOf(h, span.t);
      const n = r.type === 'record-start' || r.type === 'explanation' ? r.data.recording : recordingAt(h, at);
      if (n === 0) continue;
      const d = details(n);
      if (at !== null) d.lastAt = Math.max(d.lastAt ?? at, at);
      switch (r.type) {
        case 'record-start':
          d.preEventMs = r.data.preEventMs;
          break;
        case 'gnss-fix':
          if (r.data.quality !== 'invalid') d.fixes.push({ at: r.data.utc > 0 && at === null ? r.data.utc : at, lat: degrees(r.data.latitude), lon: degrees(r.data.longitude) });
          break;
        case 'gnss-lost': {
          const known = r.data.latitude !== 0 || r.data.longitude !== 0;
          const loss: FixLoss = { lostAt: at, regainedAt: null, from: known ? { lat: degrees(r.data.latitude), lon: degrees(r.data.longitude) } : null, to: null };
          d.fixLosses.push(loss);
          open.set(n, loss);
          break;
        }
        case 'gnss-regained': {
          const loss = open.get(n);
          if (!loss) break;
          loss.regainedAt = at;
          loss.to = { lat: degrees(r.data.latitude), lon: degrees(r.data.longitude) };
          open.delete(n);
          break;
        }
        case 'audio-chunk': {
          // Its record time is when it was handed over: its samples end then.
          const bytesPerFrame = r.data.channels * (r.data.bitsPerSample / 8);
          if (h.recording !== 0 && bytesPerFrame > 0 && r.data.sampleRate > 0)
            earliest(details(h.recording), h.wallStart + span.t - (r.data.samples.length / bytesPerFrame / r.data.sampleRate) * 1000);
          break;
        }
        case 'explanation':
          pendingExplanations.push({ recording: n, interruption: r.data.interruption, mediaSeq: r.data.mediaSeq, offsetMs: r.data.offsetMs, durationMs: r.data.durationMs });
          break;
      }
    }
  }

  // Explanations last: their audio may sit in entries sealed after the record that names them.
  for (const x of pendingExplanations) {
    const media = headers.get(x.mediaSeq);
    const d = details(x.recording);
    d.explanations.set(x.interruption, {
      from: media ? wallOf(media, x.offsetMs) : null,
      durationMs: x.durationMs,
      audioFromS: media && d.mediaOrigin !== null ? Math.max(0, media.wallStart + x.offsetMs - d.mediaOrigin) / 1000 : null,
      mediaSeq: x.mediaSeq,
    });
  }
  return out;
}
