// The evidence package (art. 15): per recording, playable media (AVI with MJPEG video and
// PCM audio, and a WAV of the audio); the written note (note.html, note.json); the
// verification report (verify.txt, verify.json) and the inspector's report.html; the original entries bit-exact under
// original/; SHA256SUMS over every file. Written into an existing empty directory.
import { join } from 'node:path';
import { parseEntry, parseEntryName, toHex, type EntryFile, type EntryOpener, type VerifyReport } from '../../firmware/core/evidence';
import { renderInspectorReport } from '../report/inspector';
import { formatReport } from '../report/verify-text';
import { muxAvi } from './avi';
import { setDates, writeParts } from './files';
import { buildNote, type EvidenceNote, type NoteEntry, type NoteMedia } from './note';
import { renderNoteHtml } from './note-html';
import { collectRecordings, usableEntries } from './recordings';
import { sha256Hex, sha256Sums } from './sums';
import { buildTimeline } from './timeline';
import { noteTime } from './time';
import { wavParts } from './wav';

export interface PackageInput {
  files: readonly EntryFile[];
  report: VerifyReport;
  /** Export time, ms since 1970 (the only thing in the package that differs between two exports of one chain). */
  exportedAt: number;
  utcOffsetMinutes: number;
  /** Reads encrypted entries with the store's key (FORMAT §7a): media and notes from their plaintext; originals stay as written. */
  open?: EntryOpener;
}

export interface PackageSummary {
  note: EvidenceNote;
  /** Every file written, relative to the package root, with its SHA-256. */
  files: Map<string, string>;
  bytes: number;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const mediaName = (n: number, ext: string) => `media/recording-${String(n).padStart(4, '0')}.${ext}`;

/** Where each entry file stands: its seq, seal link and recording, when readable. */
function entryRow(f: EntryFile, used: ReadonlySet<string>): NoteEntry {
  const name = parseEntryName(f.path);
  let link: string | null = null;
  let recording: number | null = null;
  if (name?.sealed)
    try {
      const e = parseEntry(f.bytes);
      link = toHex(e.seal.link);
      recording = e.header.recording;
    } catch {
      // unreadable: the verifier reports it
    }
  return { seq: name?.seq ?? null, path: f.path, size: f.bytes.length, sha256: sha256Hex(f.bytes), link, recording, usedForMedia: used.has(f.path) };
}

export function writePackage(dir: string, input: PackageInput): PackageSummary {
  const { report, utcOffsetMinutes: offset } = input;
  const written = new Map<string, string>();
  let bytes = 0;
  const put = (rel: string, parts: readonly Uint8Array[], mode?: number, hash?: string) => {
    bytes += writeParts(join(dir, rel), parts, mode);
    written.set(rel, hash ?? sha256Hex(...parts));
  };

  // The originals, byte for byte, where the device kept them: `quancheng verify original` works on them.
  const sorted = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const used = usableEntries(sorted, new Set(report.problems.flatMap((p) => (p.seq === null ? [] : [p.seq]))), input.open);
  const usedPaths = new Set(used.map((u) => u.path));
  const entries = sorted.map((f) => entryRow(f, usedPaths));
  for (const [i, f] of sorted.entries()) put(`original/${f.path}`, [f.bytes], 0o444, entries[i].sha256);

  // Media, per recording, from the entries that verified.
  const materials = collectRecordings(used.map((u) => u.entry));
  const media = new Map<number, NoteMedia>();
  for (const [n, m] of materials) {
    const t = buildTimeline(m.profile, m.frames, m.audio);
    if (!t) continue;
    const video = t.frames > 0 ? mediaName(n, 'avi') : null;
    const audio = t.audio ? mediaName(n, 'wav') : null;
    // An AVI even without pictures would be odd; audio-only recordings get the WAV alone.
    if (video) put(video, muxAvi({ width: t.width, height: t.height, fps: t.fps, slots: t.slots, audio: t.audio ?? undefined }));
    if (audio && t.audio) put(audio, wavParts(t.audio.format, t.audio.pcm));
    media.set(n, {
      video,
      audio,
      durationS: t.durationMs / 1000,
      frames: t.frames,
      fps: t.fps,
      silentS: t.silentMs / 1000,
      startsAt: noteTime(Math.round(t.startAt), offset),
    });
  }

  // The verification report, as `quancheng verify` prints it.
  const text = formatReport(report, offset);
  put('verify.txt', [utf8(text)]);
  put('verify.json', [utf8(JSON.stringify(report, null, 2) + '\n')]);

  const note = buildNote({ report, verdict: text.split('\n')[0], materials, media, entries, exportedAt: input.exportedAt, utcOffsetMinutes: offset });
  put('note.json', [utf8(JSON.stringify(note, null, 2) + '\n')]);
  put('note.html', [utf8(renderNoteHtml(note))]);

  // The inspector's timeline report, linking each recording's video and audio: its seek
  // positions for spoken explanations are on the same media clock as the WAV
  // (tools/report/chain-details.ts follows tools/export/timeline.ts).
  const links: Record<number, { video?: string; audio?: string }> = {};
  for (const [n, m] of media) {
    const link: { video?: string; audio?: string } = {};
    if (m.video) link.video = m.video;
    if (m.audio) link.audio = m.audio;
    links[n] = link;
  }
  put('report.html', [utf8(renderInspectorReport(report, input.files, { utcOffsetMinutes: offset, media: links, open: input.open }))]);

  put('SHA256SUMS', [utf8(sha256Sums(written))]);
  setDates(dir, input.exportedAt);
  return { note, files: written, bytes };
}
