// The inspector's view of a chain (rule art. 7): each recording with its notice, marks,
// interruptions and explanations, and what needs attention.
import { HEADER_FLAG_CLOCK_UNSET, NO_SEQ } from "./format";
import { findingText, type Finding } from "./findings";
import type { EntryHeader } from "./header";
import type { MediaTally } from "./media-tally";
import type { EvidenceRecord, RecordData } from "./schema";

/** A journal or media record placed in the chain, with its wall-clock time. */
export interface PlacedRecord {
  seq: number;
  header: EntryHeader;
  record: EvidenceRecord;
}

export interface Moment {
  seq: number;
  /** Wall-clock ms since 1970; null when the clock was not set. */
  at: number | null;
}

export interface InterruptionView extends Moment {
  interruption: number;
  reason: RecordData<"interruption">["reason"];
  detail: string;
  resumed: (Moment & { gapMs: number }) | null;
  explanation: (Moment & { mediaSeq: number; durationMs: number }) | null;
  /** Art. 13: never resumed, so the officer owes a written report. */
  needsWrittenReport: boolean;
}

/** How a recording's offload deadline follows from its start (art. 14), and when it is judged. */
export interface DeadlineRule {
  of(startMs: number): { at: number; day: string; covered: boolean };
  now: number;
}

export interface RecordingView {
  recording: number;
  start: (Moment & { trigger: RecordData<"record-start">["trigger"]; profile: string }) | null;
  stop: (Moment & { cause: RecordData<"record-stop">["cause"]; durationMs: number }) | null;
  officer: { name: string; certificate: string } | null;
  caseTag: { caseNumber: string; kind: string; stage: number } | null;
  continuous: boolean;
  notice: (Moment & { outcome: RecordData<"notice">["outcome"] }) | null;
  marks: (Moment & { label: string })[];
  obstructions: (Moment & { label: string })[];
  interruptions: InterruptionView[];
  refusedStops: Moment[];
  mediaEntries: number;
  frames: number;
  audioMs: number;
  /** Art. 14: when it must be in the designated store, and whether a store receipt covers it. */
  offload: { due: number; day: string; covered: boolean; status: "offloaded" | "pending" | "overdue" } | null;
  /** What an inspector must look at, as data (each reader words it in its language). */
  findings: Finding[];
  /** The findings in plain English (findingText), as the command line's reports print them. */
  flags: string[];
  /**
   * False when encrypted entries of the chain were not read (no store key, FORMAT §7a): the
   * checks that need journal content (start, notice, interruptions, explanations, stop,
   * deadline) were not run, and what is absent may only be unread.
   */
  contentRead: boolean;
}

export interface DeviceEvent extends Moment {
  type: string;
  summary: string;
}

export interface ComplianceView {
  recordings: RecordingView[];
  /** Device-level events worth an inspector's eye: boots after power loss, clock changes, refusals, receipts, warnings. */
  events: DeviceEvent[];
  /** Number of gaps (interruptions) over all recordings; null when encrypted content was not read (the count is unknown, not 0). */
  gaps: number | null;
}

function momentOf(p: PlacedRecord): Moment {
  const unset = (p.header.flags & HEADER_FLAG_CLOCK_UNSET) !== 0;
  return { seq: p.seq, at: unset ? null : p.header.wallStart + p.record.t };
}

function newRecording(n: number): RecordingView {
  return {
    recording: n,
    start: null,
    stop: null,
    officer: null,
    caseTag: null,
    continuous: false,
    notice: null,
    marks: [],
    obstructions: [],
    interruptions: [],
    refusedStops: [],
    mediaEntries: 0,
    frames: 0,
    audioMs: 0,
    offload: null,
    findings: [],
    flags: [],
    contentRead: true,
  };
}

export const NOT_READ_FLAG = findingText({ code: "content-not-read" });

/**
 * Builds the view from journal and GNSS records in chain order and the media tallied per
 * recording. `contentRead` false: some entries were encrypted and not read, so an absent
 * record is not a finding.
 */
export function complianceView(records: Iterable<PlacedRecord>, media: ReadonlyMap<number, MediaTally>, deadline?: DeadlineRule, contentRead = true): ComplianceView {
  let offloadedThrough = -1;
  const lastSeq = new Map<number, number>();
  const recordings = new Map<number, RecordingView>();
  const events: DeviceEvent[] = [];
  let officer: RecordingView["officer"] = null;
  let caseTag: RecordingView["caseTag"] = null;
  let continuous = false;

  const rec = (n: number): RecordingView => {
    let v = recordings.get(n);
    if (!v) {
      v = newRecording(n);
      recordings.set(n, v);
    }
    return v;
  };
  const interruptionOf = (v: RecordingView, id: number): InterruptionView | undefined => v.interruptions.find((i) => i.interruption === id);
  const event = (p: PlacedRecord, summary: string) => events.push({ ...momentOf(p), type: p.record.type, summary });

  for (const p of records) {
    const r = p.record;
    const m = momentOf(p);
    const about = (r.data as { recording?: number }).recording;
    if (about) lastSeq.set(about, Math.max(lastSeq.get(about) ?? -1, p.seq));
    if (r.type === "offload-receipt") offloadedThrough = Math.max(offloadedThrough, r.data.throughSeq);
    switch (r.type) {
      case "officer":
        officer = { name: r.data.name, certificate: r.data.certificate };
        event(p, `device assigned to ${r.data.name} (${r.data.certificate}) by ${r.data.assignedBy}`);
        break;
      case "case-tag":
        caseTag = { caseNumber: r.data.caseNumber, kind: r.data.kind, stage: r.data.stage };
        break;
      case "continuous-mode":
        continuous = r.data.on !== 0;
        event(p, `continuous mode ${continuous ? "on" : "off"} (${r.data.setBy}) for case ${r.data.caseNumber}`);
        break;
      case "record-start": {
        const v = rec(r.data.recording);
        v.start = { ...m, trigger: r.data.trigger, profile: r.data.profile };
        v.officer = officer;
        v.caseTag = caseTag;
        v.continuous = continuous;
        break;
      }
      case "record-stop":
        rec(r.data.recording).stop = { ...m, cause: r.data.cause, durationMs: r.data.durationMs };
        break;
      case "notice":
        rec(r.data.recording).notice = { ...m, outcome: r.data.outcome };
        break;
      case "mark":
        rec(r.data.recording).marks.push({ ...m, label: r.data.label });
        break;
      case "obstruction":
        rec(r.data.recording).obstructions.push({ ...m, label: r.data.label });
        break;
      case "stop-refused":
        rec(r.data.recording).refusedStops.push(m);
        break;
      case "interruption":
        rec(r.data.recording).interruptions.push({
          ...m,
          interruption: r.data.interruption,
          reason: r.data.reason,
          detail: r.data.detail,
          resumed: null,
          explanation: null,
          needsWrittenReport: true,
        });
        break;
      case "resume": {
        const i = interruptionOf(rec(r.data.recording), r.data.interruption);
        if (i) {
          i.resumed = { ...m, gapMs: r.data.gapMs };
          i.needsWrittenReport = false;
        }
        break;
      }
      case "explanation": {
        const i = interruptionOf(rec(r.data.recording), r.data.interruption);
        if (i) i.explanation = { ...m, mediaSeq: r.data.mediaSeq, durationMs: r.data.durationMs };
        break;
      }
      case "boot":
        if (r.data.cause !== "cold") event(p, `boot after ${r.data.cause}` + (r.data.recoveredSeq !== NO_SEQ ? `, entry ${r.data.recoveredSeq} recovered with ${r.data.recoveredRecords} records` : ""));
        break;
      case "time-set":
        event(p, `clock set by ${r.data.source}: ${r.data.oldTime === 0 ? "unset" : new Date(r.data.oldTime).toISOString()} -> ${new Date(r.data.newTime).toISOString()}`);
        break;
      case "deletion-refused":
        event(p, `deletion of ${r.data.target} refused (${r.data.via}${r.data.requester ? `, ${r.data.requester}` : ""})`);
        break;
      case "access-denied":
        event(p, `access denied: ${r.data.command} (${r.data.via}): ${r.data.reason}`);
        break;
      case "offload-receipt":
        event(p, `offloaded through entry ${r.data.throughSeq} to ${r.data.store}`);
        break;
      case "space-reclaimed":
        event(p, `${r.data.entries} offloaded entries through ${r.data.throughSeq} reclaimed (${r.data.bytes} bytes)`);
        break;
      case "deadline-warning":
        event(p, `recording ${r.data.recording} offload deadline ${r.data.level} (${r.data.workingDaysLeft} working days left)`);
        break;
      case "battery-low":
        event(p, `battery ${r.data.level}: ${r.data.percent}% (${r.data.millivolts} mV)`);
        break;
      case "gnss-lost":
        event(p, "GNSS fix lost");
        break;
      case "gnss-regained":
        event(p, `GNSS fix regained after ${Math.round(r.data.lostMs / 1000)} s (${r.data.satellites} satellites)`);
        break;
      case "storage-low":
        event(p, `storage ${r.data.level}: ${r.data.freeBytes} of ${r.data.totalBytes} bytes free`);
        break;
      default:
        break;
    }
  }

  for (const [n, t] of media) {
    const v = rec(n);
    for (const seq of t.entries) lastSeq.set(n, Math.max(lastSeq.get(n) ?? -1, seq));
    v.mediaEntries = t.entries.size;
    v.frames = t.frames;
    v.audioMs = Math.round(t.audioMs);
  }

  if (deadline)
    for (const v of recordings.values()) {
      if (!v.start || v.start.at === null) continue;
      const d = deadline.of(v.start.at);
      const status = (lastSeq.get(v.recording) ?? Infinity) <= offloadedThrough ? "offloaded" : deadline.now > d.at ? "overdue" : "pending";
      v.offload = { due: d.at, day: d.day, covered: d.covered, status };
    }

  let gaps = 0;
  const list = [...recordings.values()].sort((a, b) => a.recording - b.recording);
  for (const v of list) {
    gaps += v.interruptions.length;
    const flag = (f: Finding) => v.findings.push(f);
    // Without the content of every entry only what was read can be a finding, not what is absent.
    const absent = (f: Finding) => {
      if (contentRead) flag(f);
    };
    if (!contentRead) {
      v.contentRead = false;
      flag({ code: "content-not-read" });
    }
    if (!v.start) absent({ code: "no-start" });
    if (!v.notice) absent({ code: "no-notice" });
    else if (v.notice.outcome === "speaker-fault") flag({ code: "notice-speaker-fault" });
    for (const i of v.interruptions) {
      if (i.needsWrittenReport) absent({ code: "never-resumed", interruption: i.interruption, reason: i.reason });
      else if (!i.explanation) absent({ code: "unexplained", interruption: i.interruption, reason: i.reason });
    }
    if (v.continuous && v.interruptions.length > 0) flag({ code: "continuous-gaps", count: v.interruptions.length });
    if (v.refusedStops.length > 0) flag({ code: "refused-stops", count: v.refusedStops.length });
    if (v.obstructions.length > 0) flag({ code: "obstructed", count: v.obstructions.length });
    if (!v.stop && v.interruptions.every((i) => i.resumed)) absent({ code: "no-stop" });
    if (v.offload?.status === "overdue") flag({ code: "offload-overdue", day: v.offload.day });
    v.flags = v.findings.map(findingText);
  }
  return { recordings: list, events, gaps: contentRead ? gaps : null };
}
