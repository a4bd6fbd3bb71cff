// The recorder: the rule's behaviour on the device (DESIGN §4). It turns button gestures,
// captured media, sensor events and storage into a chain an inspector can check:
//   art. 12  recording starts → the notice plays → journaled with the clip's hash (or the
//            speaker fault, after which the officer's mark confirms having said it);
//   art. 13  every stop that is not the officer's normal end is an interruption with a
//            reason; on resume the explanation prompt plays and the spoken explanation is
//            linked to the interruption; one never resumed stays flagged;
//   art. 11  in continuous mode a short press does not stop; stopping takes a long press
//            and a confirming press; refused stops are journaled;
//   art. 14  each recording gets its offload deadline; warnings as it nears and passes;
//   art. 10, 17  key-moment and obstruction marks;  art. 16  deletion always refused.
import { RECORDS, type RecordData } from "../evidence/index";
import type { Directory } from "embedded:storage/files";
import { OFFLOAD_WORKING_DAYS, deadlineLevel } from "../policy/deadline";
import type { WorkingDays } from "../policy/calendar";
import { StorageFullError, type EvidenceStore } from "../storage/index";
import { PreEventBuffer, type BufferedMedia, type GnssFix } from "./pre-event";
import type { ClockPort, FeedbackPort, PromptPort } from "./ports";
import { loadMemory, saveMemory, type RecorderMemory } from "./recorder-state";
import { StateFiles } from "../storage/state-files";

export type Gesture = "record-short" | "record-long" | "mark-short" | "mark-long" | "both";
export type RecorderState = "standby" | "recording" | "interrupted";
export type InterruptionReason = RecordData<"interruption">["reason"];

export interface RecorderOptions {
  store: EvidenceStore;
  root: Directory;
  clock: ClockPort;
  prompts: PromptPort;
  feedback: FeedbackPort;
  calendar: WorkingDays;
  /** Media profile name, journaled with each recording. */
  profile: string;
  /** Pre-event buffer, 0-120 s (default 30 s) and its RAM bound. */
  preEventMs?: number;
  preEventBytes?: number;
  /** Continuous mode: how long a long press waits for its confirming press. */
  confirmWindowMs?: number;
  /** How much audio after the explanation prompt is the spoken explanation. */
  explanationMs?: number;
  /** After a speaker fault, a mark within this window confirms the officer spoke the notice. */
  noticeConfirmWindowMs?: number;
  /** Working days before a deadline that warnings start. */
  warnWorkingDays?: number;
  /** Why a recording may not start now (FORMAT §7a: no store key and clear recording not allowed); undefined: it may. */
  recordingRefusal?: () => string | undefined;
  /** Where the memory file is kept (sealed on an encrypting unit); default: in the clear on `root`. */
  state?: StateFiles;
}

export class Recorder {
  readonly #o: Required<RecorderOptions>;
  readonly #pre: PreEventBuffer;
  #mem: RecorderMemory;
  #state: RecorderState = "standby";
  /** Set while a long press waits for its confirmation (continuous mode). */
  #stopArmedAt: number | undefined;
  /** Set after a speaker fault until the officer confirms the notice. */
  #noticePendingUntil: number | undefined;
  /** The explanation being recorded after a resume. */
  #explaining: { interruption: number; from: number; seq: number; offset: number } | undefined;
  #interruptedAt = 0;
  /** When the officer last marked an obstruction (both buttons). */
  #obstructedAt = -Infinity;
  #lastDeadlineCheck = -Infinity;
  #lastFix: GnssFix | undefined;

  constructor(options: RecorderOptions) {
    this.#o = {
      preEventMs: 30_000,
      preEventBytes: 4 * 1024 * 1024,
      confirmWindowMs: 5000,
      explanationMs: 15_000,
      noticeConfirmWindowMs: 60_000,
      warnWorkingDays: 2,
      recordingRefusal: () => undefined,
      state: new StateFiles(options.root),
      ...options,
    };
    this.#pre = new PreEventBuffer(this.#o.preEventMs, this.#o.preEventBytes);
    this.#mem = loadMemory(this.#o.state);
    this.#afterBoot();
    this.#o.feedback.show(this.#state);
  }

  get state(): RecorderState {
    return this.#state;
  }

  get recording(): number {
    return this.#mem.open?.recording ?? 0;
  }

  get memory(): Readonly<RecorderMemory> {
    return this.#mem;
  }

  /** What the pre-event buffer holds now (a long run checks it stays within its bound). */
  get preEvent(): { items: number; bytes: number } {
    return { items: this.#pre.length, bytes: this.#pre.bytes };
  }

  // ---- provisioning (technician) and case context

  assignOfficer(name: string, certificate: string, unit: string, by: string): void {
    this.#mem.officer = { name, certificate, unit };
    this.#journal("officer", { name, certificate, unit, assignedBy: by });
    this.#save();
  }

  tagCase(caseNumber: string, kind: RecordData<"case-tag">["kind"], stage: number, note = ""): void {
    this.#mem.caseTag = { caseNumber, kind, stage };
    this.#journal("case-tag", { caseNumber, kind, stage, note });
    this.#save();
  }

  setContinuous(on: boolean, setBy: "technician" | "officer"): void {
    this.#mem.continuous = on;
    this.#journal("continuous-mode", { on: on ? 1 : 0, setBy, caseNumber: this.#mem.caseTag?.caseNumber ?? "" });
    this.#save();
  }

  // ---- inputs

  press(g: Gesture): void {
    const now = this.#o.clock.mono();
    switch (this.#state) {
      case "standby":
        if (g === "record-short" || g === "record-long") this.#start("button");
        else this.#o.feedback.signal("refused");
        return;
      case "interrupted":
        if (g === "record-short") this.#resume();
        else if (g === "record-long") this.#stop("officer"); // ends it; the interruption stays unexplained
        return;
      case "recording":
        if (g === "mark-short") this.#mark(now);
        else if (g === "both") {
          this.#obstructedAt = now;
          this.#journalMark("obstruction", "marked by officer");
        } else if (g === "mark-long") this.#officerPause(now);
        else if (g === "record-short") this.#stopPressed(now);
        else if (g === "record-long") this.#longStop(now);
        return;
    }
  }

  /** An interruption the device detects or the officer declares (weather, obstruction). */
  interrupt(reason: InterruptionReason, detail: string): void {
    if (this.#state !== "recording") return;
    const open = this.#mem.open!;
    const id = this.#mem.nextInterruption++;
    open.interruption = id;
    this.#journal("interruption", { recording: open.recording, interruption: id, reason, detail });
    this.#o.store.endRecording();
    this.#state = "interrupted";
    this.#interruptedAt = this.#o.clock.mono();
    this.#stopArmedAt = undefined;
    this.#explaining = undefined;
    this.#save();
    this.#o.feedback.show("interrupted");
    this.#o.feedback.signal("warning");
  }

  /** A camera frame (JPEG) as captured. */
  frame(frame: number, width: number, height: number, image: Uint8Array, at: number): void {
    this.#media({ kind: "frame", at, frame, width, height, image });
  }

  /** 16-bit LPCM as captured, with the index of its first sample. */
  audio(firstSample: number, sampleRate: number, samples: Uint8Array, at: number): void {
    this.#media({ kind: "audio", at, firstSample, sampleRate, samples });
  }

  fix(fix: GnssFix, at: number): void {
    this.#lastFix = fix;
    this.#media({ kind: "fix", at, fix });
  }

  /** Called periodically (about once a second): timeouts, explanation windows, deadlines, storage commits. */
  tick(): void {
    const now = this.#o.clock.mono();
    if (this.#stopArmedAt !== undefined && now - this.#stopArmedAt > this.#o.confirmWindowMs) {
      this.#stopArmedAt = undefined;
      this.#journal("stop-refused", { recording: this.recording, press: "long-unconfirmed" });
      this.#o.feedback.signal("refused");
    }
    if (this.#noticePendingUntil !== undefined && now > this.#noticePendingUntil) this.#noticePendingUntil = undefined;
    this.#finishExplanation(now, false);
    if (now - this.#lastDeadlineCheck >= 60_000) {
      this.#lastDeadlineCheck = now;
      this.#checkDeadlines();
    }
    this.#o.store.tick();
  }

  /** Art. 16: no deletion, ever; the attempt is evidence too. */
  requestDeletion(target: string, via: "button" | "maintenance" | "other", requester: string): false {
    this.#journal("deletion-refused", { target, via, requester });
    this.#o.feedback.signal("refused");
    return false;
  }

  /**
   * A store receipt covers every entry but those of `remaining` recordings (and the one
   * under way): the others reached the designated store, their deadlines are met.
   */
  offloadedExcept(remaining: readonly number[]): void {
    const open = this.#mem.open?.recording;
    this.#mem.pending = this.#mem.pending.filter((p) => p.recording === open || remaining.includes(p.recording));
    this.#save();
  }

  /** Recordings whose offload deadline is still open. */
  get pendingOffloads(): readonly { recording: number; startedAt: number; deadline: number; warned: string }[] {
    return this.#mem.pending;
  }

  /** Orderly power-down: an open recording ends (as an interruption: the officer did not end it). */
  shutdown(): void {
    if (this.#state === "recording") this.interrupt("other", "device switched off");
    this.#o.store.shutdown();
  }

  // ---- internals

  #journal<N extends keyof typeof RECORDS>(type: N, data: RecordData<N>): void {
    this.#o.store.journal(type as never, data as never);
  }

  #save(): void {
    saveMemory(this.#o.state, this.#mem);
  }

  /** A recording that was open when power failed is an interruption (reason: power loss). */
  #afterBoot(): void {
    const open = this.#mem.open;
    if (!open) return;
    if (open.interruption) {
      this.#state = "interrupted";
      return;
    }
    const id = this.#mem.nextInterruption++;
    open.interruption = id;
    const cause = this.#o.store.boot.cause === "power-loss" ? "power lost while recording" : "device restarted while recording";
    this.#journal("interruption", { recording: open.recording, interruption: id, reason: "power-loss", detail: cause });
    this.#state = "interrupted";
    this.#interruptedAt = this.#o.clock.mono();
    this.#save();
  }

  #start(trigger: RecordData<"record-start">["trigger"]): void {
    const refusal = this.#o.recordingRefusal();
    if (refusal !== undefined) {
      this.#journal("access-denied", { command: "record", via: "button", reason: refusal });
      this.#o.feedback.signal("refused");
      return;
    }
    const now = this.#o.clock.mono();
    const buffered = this.#pre.drain(now);
    const since = buffered.length > 0 ? buffered[0].at : now;
    const recording = this.#mem.nextRecording++;
    const startedAt = (this.#o.clock.wall() ?? 0) - (now - since);
    this.#mem.open = { recording, interruption: 0, startedAt };
    const store = this.#o.store;
    store.beginRecording(recording, since);
    this.#journal("record-start", { recording, trigger, preEventMs: now - since, profile: this.#o.profile });
    if (this.#mem.officer === null) this.#o.feedback.signal("warning");
    for (const m of buffered) this.#store(m);
    this.#state = "recording";
    this.#addDeadline(recording, startedAt);
    this.#save();
    this.#o.feedback.show("recording");
    this.#playNotice(recording);
  }

  #playNotice(recording: number): void {
    const prompts = this.#o.prompts;
    prompts.play("notice", (ok) => {
      if (this.recording !== recording) return;
      this.#journal("notice", {
        recording,
        outcome: ok ? "played" : "speaker-fault",
        clip: ok ? prompts.clipHash("notice") : new Uint8Array(32),
        durationMs: ok ? prompts.clipMs("notice") : 0,
      });
      if (!ok) {
        // The officer says the words and marks it (art. 12).
        this.#noticePendingUntil = this.#o.clock.mono() + this.#o.noticeConfirmWindowMs;
        this.#o.feedback.signal("warning");
      }
    });
  }

  /**
   * The officer pauses recording for an objective reason (art. 13): right after an
   * obstruction mark (within OBSTRUCTION_PAUSE_MS) the reason is obstruction, otherwise
   * bad weather, the other reason an officer rather than the device can see.
   */
  #officerPause(now: number): void {
    if (now - this.#obstructedAt <= OBSTRUCTION_PAUSE_MS) this.interrupt("obstruction", "paused by officer after an obstruction mark");
    else this.interrupt("weather", "paused by officer");
  }

  #mark(now: number): void {
    if (this.#noticePendingUntil !== undefined && now <= this.#noticePendingUntil) {
      this.#noticePendingUntil = undefined;
      this.#journal("notice", { recording: this.recording, outcome: "officer-spoke", clip: new Uint8Array(32), durationMs: 0 });
      this.#o.feedback.signal("confirm");
      return;
    }
    // The confirming press of a continuous-mode stop is a record press; a mark is a mark.
    this.#journalMark("mark", "key moment");
  }

  #journalMark(type: "mark" | "obstruction", label: string): void {
    this.#journal(type, { recording: this.recording, label });
    this.#o.feedback.signal("confirm");
  }

  #stopPressed(now: number): void {
    if (!this.#mem.continuous) return this.#stop("officer");
    if (this.#stopArmedAt !== undefined && now - this.#stopArmedAt <= this.#o.confirmWindowMs) {
      this.#stopArmedAt = undefined;
      return this.#stop("continuous-confirmed");
    }
    this.#journal("stop-refused", { recording: this.recording, press: "short" });
    this.#o.feedback.signal("refused");
  }

  #longStop(now: number): void {
    if (!this.#mem.continuous) return this.#stop("officer");
    this.#stopArmedAt = now;
    this.#o.feedback.signal("warning"); // "press again to confirm"
  }

  #stop(cause: RecordData<"record-stop">["cause"]): void {
    const open = this.#mem.open!;
    const now = this.#o.clock.mono();
    this.#finishExplanation(now, true);
    const wall = this.#o.clock.wall();
    this.#journal("record-stop", { recording: open.recording, cause, durationMs: Math.max(0, (wall ?? open.startedAt) - open.startedAt) });
    if (this.#state === "recording") this.#o.store.endRecording();
    this.#mem.open = null;
    this.#state = "standby";
    this.#stopArmedAt = undefined;
    this.#noticePendingUntil = undefined;
    this.#save();
    this.#o.feedback.show("standby");
    this.#o.feedback.signal("confirm");
  }

  #resume(): void {
    const open = this.#mem.open!;
    const now = this.#o.clock.mono();
    const store = this.#o.store;
    store.beginRecording(open.recording);
    const interruption = open.interruption;
    this.#journal("resume", { recording: open.recording, interruption, gapMs: Math.max(0, now - this.#interruptedAt) });
    this.#state = "recording";
    this.#save();
    this.#o.feedback.show("recording");
    this.#o.prompts.play("explain", () => {
      // The officer's explanation follows the prompt, in this recording's audio.
      const at = this.#o.clock.mono();
      const entry = store.openEntry;
      if (this.#state !== "recording" || !entry || this.recording !== open.recording) return;
      this.#explaining = { interruption, from: at, seq: entry.seq, offset: at - entry.monoStart };
    });
  }

  /** Journals the explanation once its window has passed (or the recording stops). */
  #finishExplanation(now: number, force: boolean): void {
    const x = this.#explaining;
    if (!x || (!force && now - x.from < this.#o.explanationMs)) return;
    this.#explaining = undefined;
    this.#journal("explanation", {
      recording: this.recording,
      interruption: x.interruption,
      mediaSeq: x.seq,
      offsetMs: x.offset,
      durationMs: Math.min(this.#o.explanationMs, now - x.from),
    });
    const open = this.#mem.open;
    if (open) open.interruption = 0;
    this.#save();
  }

  #media(m: BufferedMedia): void {
    if (this.#state === "recording") this.#store(m);
    else if (this.#state === "standby") this.#pre.push(m, this.#o.clock.mono());
  }

  #store(m: BufferedMedia): void {
    try {
      if (m.kind === "frame") this.#o.store.media("video-frame", { frame: m.frame, width: m.width, height: m.height, format: "jpeg", image: m.image }, m.at);
      else if (m.kind === "audio")
        this.#o.store.media("audio-chunk", { firstSample: m.firstSample, sampleRate: m.sampleRate, channels: 1, bitsPerSample: 16, encoding: "lpcm-le", samples: m.samples }, m.at);
      else this.#o.store.media("gnss-fix", { ...m.fix, quality: fixQuality(m.fix.quality) }, m.at);
    } catch (e) {
      if (!(e instanceof StorageFullError)) throw e;
      this.interrupt("storage-full", e.message);
    }
  }

  #addDeadline(recording: number, startedAt: number): void {
    const d = this.#o.calendar.deadline(startedAt, OFFLOAD_WORKING_DAYS);
    this.#mem.pending.push({ recording, startedAt, deadline: d.at, covered: d.covered, warned: "" });
  }

  #checkDeadlines(): void {
    const wall = this.#o.clock.wall();
    if (wall === undefined) return;
    const order = ["", "approaching", "due-today", "overdue"];
    let changed = false;
    for (const p of this.#mem.pending) {
      const w = deadlineLevel(this.#o.calendar, wall, p.deadline, this.#o.warnWorkingDays);
      if (!w || order.indexOf(w.level) <= order.indexOf(p.warned)) continue;
      p.warned = w.level;
      changed = true;
      this.#journal("deadline-warning", { recording: p.recording, deadline: p.deadline, level: w.level, workingDaysLeft: w.workingDaysLeft });
      this.#o.feedback.signal(w.level === "overdue" ? "critical" : "warning");
    }
    if (changed) this.#save();
  }

  get lastFix(): GnssFix | undefined {
    return this.#lastFix;
  }
}

/** A pause within this long after an obstruction mark is an obstruction interruption. */
const OBSTRUCTION_PAUSE_MS = 60_000;

const QUALITIES = ["invalid", "gps", "dgps", "pps", "rtk", "float-rtk", "estimated", "manual", "simulation"] as const;

function fixQuality(q: number): RecordData<"gnss-fix">["quality"] {
  return QUALITIES[q] ?? "invalid";
}
