// The article-15 note as data (note.json): who collected each recording, with which
// certificate, when and where, from the recording's own records; the entries it rests
// on; the verification verdict; and how to check the copy against the original.
import type { Finding, InterruptionView, RecordingView, VerifyReport } from '../../firmware/core/evidence';
import { placeOf, type NotePlace } from './place';
import type { RecordingMaterial } from './recordings';
import { noteTime, offsetText, type NoteTime } from './time';

export const NOTE_FORMAT = 'quancheng-evidence-note/1';

/** Art. 2 kinds of enforcement action, in the rule's words. */
export const KIND_ZH: Record<string, string> = {
  licensing: '行政许可',
  penalty: '行政处罚',
  'coercive-measure': '行政强制',
  inspection: '行政检查',
  confirmation: '行政确认',
  ruling: '行政裁决',
  other: '其他',
};

export interface NoteEntry {
  /** The seq its file name gives. */
  seq: number | null;
  /** Path under original/. */
  path: string;
  size: number;
  sha256: string;
  /** The seal's link (hex), when the file has a readable seal. */
  link: string | null;
  /** Recording whose media it carries (0: journal entry), when readable. */
  recording: number | null;
  /** The verifier found it sound and named no problem at it: its media is in the copy. */
  usedForMedia: boolean;
}

export interface NoteMedia {
  /** Paths relative to the package root. */
  video: string | null;
  audio: string | null;
  durationS: number;
  /** Pictures stored, and the frame rate they are shown at. */
  frames: number;
  fps: number;
  /** Seconds without recorded audio (interruptions, faults), rendered as silence. */
  silentS: number;
  /** Wall-clock time of the first instant of the media files. */
  startsAt: NoteTime;
}

export interface NoteRecording {
  recording: number;
  collector: { name: string; certificate: string; unit: string; assignedBy: string } | null;
  case: { number: string; kind: string; kindZh: string; stage: number; note: string } | null;
  start: NoteTime | null;
  end: NoteTime | null;
  /** Where start and end come from: the record-start/stop journal records, or the media when those are not in the chain. */
  timesFrom: 'journal' | 'media';
  /** Entries written with the wall clock unset: times are the device's and not trustworthy. */
  clockUnset: boolean;
  place: NotePlace;
  profile: string | null;
  entries: number[];
  media: NoteMedia | null;
  notice: NonNullable<RecordingView['notice']>['outcome'] | null;
  interruptions: { interruption: number; reason: InterruptionView['reason']; detail: string; resumed: boolean; explained: boolean }[];
  marks: number;
  /** Findings an inspector must look at (from the compliance view), as data. */
  findings: Finding[];
  /** The same findings in the verifier's English. */
  flags: string[];
}

export interface EvidenceNote {
  format: typeof NOTE_FORMAT;
  rule: string;
  exportedAt: NoteTime;
  utcOffset: string;
  device: { id: string | null; keyId: string | null; keySource: string | null };
  verification: {
    intact: boolean;
    /** The verdict line `quancheng verify` prints. */
    verdict: string;
    head: { seq: number; link: string } | null;
    problems: { kind: string; seq: number | null; detail: string }[];
  };
  recordings: NoteRecording[];
  entries: NoteEntry[];
  /** How gaps and pictures are laid out in the media files. */
  mediaNote: { en: string; zh: string };
  check: { en: string; zh: string; command: string };
}

export interface NoteInput {
  report: VerifyReport;
  verdict: string;
  materials: ReadonlyMap<number, RecordingMaterial>;
  media: ReadonlyMap<number, NoteMedia>;
  entries: NoteEntry[];
  exportedAt: number;
  utcOffsetMinutes: number;
}

function recordingNote(n: number, view: RecordingView | undefined, m: RecordingMaterial | undefined, media: NoteMedia | null, offset: number): NoteRecording {
  const t = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : noteTime(ms, offset));
  let start = t(view?.start?.at);
  let end = t(view?.stop?.at);
  let timesFrom: NoteRecording['timesFrom'] = 'journal';
  if ((!start || !end) && media) {
    // No start or stop journaled in this segment: the media's own span.
    timesFrom = 'media';
    const from = Date.parse(media.startsAt.utc);
    start ??= t(from);
    end ??= t(from + media.durationS * 1000);
  }
  const o = m?.officer;
  const c = m?.caseTag;
  return {
    recording: n,
    collector: o ? { name: o.name, certificate: o.certificate, unit: o.unit, assignedBy: o.assignedBy } : null,
    case: c ? { number: c.caseNumber, kind: c.kind, kindZh: KIND_ZH[c.kind] ?? c.kind, stage: c.stage, note: c.note } : null,
    start,
    end,
    timesFrom,
    clockUnset: m?.clockUnset ?? false,
    place: placeOf(m?.fixes ?? [], offset),
    profile: m?.profile ?? view?.start?.profile ?? null,
    entries: m?.entries ?? [],
    media,
    notice: view?.notice?.outcome ?? null,
    interruptions: (view?.interruptions ?? []).map((i) => ({
      interruption: i.interruption,
      reason: i.reason,
      detail: i.detail,
      resumed: i.resumed !== null,
      explained: i.explanation !== null,
    })),
    marks: view?.marks.length ?? 0,
    findings: view?.findings ?? [],
    flags: view?.flags ?? [],
  };
}

export function buildNote(input: NoteInput): EvidenceNote {
  const { report, utcOffsetMinutes: offset } = input;
  const views = new Map(report.compliance.recordings.map((v) => [v.recording, v]));
  const numbers = [...new Set([...views.keys(), ...input.materials.keys()])].sort((a, b) => a - b);
  const head = report.head ? `${report.head.seq}:${report.head.hash}` : 'SEQ:LINK';
  const command = `quancheng verify original --expect-head ${head}`;
  return {
    format: NOTE_FORMAT,
    rule: 'Luoping County Market Supervision Administration, rules for full-process recording of administrative law enforcement (trial), art. 15',
    exportedAt: noteTime(input.exportedAt, offset),
    utcOffset: offsetText(offset),
    device: { id: report.deviceId, keyId: report.key?.id ?? null, keySource: report.key?.source ?? null },
    verification: {
      intact: report.ok,
      verdict: input.verdict,
      head: report.head ? { seq: report.head.seq, link: report.head.hash } : null,
      problems: report.problems.map((p) => ({ kind: p.kind, seq: p.seq, detail: p.detail })),
    },
    recordings: numbers.map((n) => recordingNote(n, views.get(n), input.materials.get(n), input.media.get(n) ?? null, offset)),
    entries: input.entries,
    mediaNote: {
      en:
        'The video (AVI, Motion JPEG) shows each stored picture, unchanged, at its capture time, at the media profile\'s frame rate; between pictures and during interruptions the last picture stays on screen. ' +
        'The audio (PCM, in the AVI and as WAV) is the stored samples, unchanged; time without recorded audio is silence. Media come only from entries that verified.',
      zh: '视频（AVI，Motion JPEG）按采集时间、以录制规格的帧率逐帧呈现所存画面，画面未经改动；两帧之间及中断期间保持上一画面。音频（PCM，含于 AVI 并另附 WAV）为所存采样，未经改动；无录音的时段为静音。音视频仅取自通过校验的条目。',
    },
    check: {
      command,
      en:
        `To check this copy against the original: in this package's directory (or on the disc) run \`${command}\`. It must print INTACT, and the head it reports (sequence and link) must equal the head the device or the designated store reports for its chain. ` +
        '`sha256sum -c SHA256SUMS` checks that every file of this package is as exported.',
      zh:
        `核对本副本与原始记录：在本包目录（或光盘）中运行 \`${command}\`，结果须为 INTACT（完整），且所报链头（序号与链接值）须与执法记录仪或指定存储报告的链头一致。` +
        '运行 `sha256sum -c SHA256SUMS` 可核对本包每个文件与导出时一致。',
    },
  };
}
