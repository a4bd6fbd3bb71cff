// What the recorder needs from the rest of the device, as small interfaces: main.ts
// connects them to the hal drivers, the simulator to the same drivers on simulated parts.

/** Named spoken clips (art. 12 notice, art. 13 explanation prompt, warnings). */
export type ClipName = "notice" | "explain" | "warning";

export interface PromptPort {
  /** SHA-256 of the clip's samples, journaled with the notice. */
  clipHash(name: ClipName): Uint8Array;
  clipMs(name: ClipName): number;
  /** Plays a clip; `done(ok)` is called when it ended (false: the speaker failed). */
  play(name: ClipName, done: (ok: boolean) => void): void;
}

/** LED and vibration feedback: a state shown continuously, and one-off signals. */
export type Indication = "standby" | "recording" | "interrupted";
export type Signal = "confirm" | "refused" | "warning" | "critical";

export interface FeedbackPort {
  show(state: Indication): void;
  signal(kind: Signal): void;
}

/** The device's clocks: monotonic ms since boot; wall ms since 1970 from the RTC (undefined if it lost power). */
export interface ClockPort {
  mono(): number;
  wall(): number | undefined;
}
