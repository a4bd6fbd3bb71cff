// What the LED and the vibration motor say, as data. A pattern is on/off steps; a higher
// priority hides a lower one on the same output until it ends or is stopped, so a warning is
// never hidden behind the recording light.

export interface Pattern {
  readonly name: string;
  /** Higher wins the output. */
  readonly priority: number;
  /** Alternating on and off durations (ms), starting with on. Empty: steadily on. */
  readonly steps: readonly number[];
  /** Repeats until stopped; otherwise plays once and ends. */
  readonly repeat: boolean;
}

export const LED = {
  /** Standby: a short blink every 3 s (alive, not recording). */
  standby: { name: "standby", priority: 1, steps: [100, 2900], repeat: true },
  /** Recording: steadily on. */
  recording: { name: "recording", priority: 2, steps: [], repeat: true },
  /** Warning (battery, storage, offload deadline, an interruption to explain): fast blink. */
  warning: { name: "warning", priority: 3, steps: [100, 100], repeat: true },
} as const satisfies Record<string, Pattern>;

export const VIBRATION = {
  /** Confirm: one short buzz (recording started, mark taken). */
  confirm: { name: "confirm", priority: 1, steps: [150], repeat: false },
  /** Prompt: two long buzzes (say the explanation for the interruption now, art. 13). */
  prompt: { name: "prompt", priority: 2, steps: [400, 200, 400], repeat: false },
  /** Refused: two short buzzes (a stop refused in continuous mode, art. 11). */
  refused: { name: "refused", priority: 3, steps: [150, 150, 150], repeat: false },
  /** Critical: one long buzz (battery critical, storage full, recording interrupted). */
  critical: { name: "critical", priority: 4, steps: [1000], repeat: false },
} as const satisfies Record<string, Pattern>;
