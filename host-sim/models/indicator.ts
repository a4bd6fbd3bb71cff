// Records what the device drives on an output pin (the LED, the vibration motor) over virtual
// time, so tests can check patterns: when it was on, for how long, how many pulses.
import type { DigitalPart } from '../board/sim-board';

export interface IndicatorOptions {
  /** The part is on when the pin is low (the XIAO's user LED). */
  activeLow?: boolean;
}

/** One stretch of "on": from start (inclusive) to end (exclusive; undefined while still on). */
export interface OnInterval {
  start: number;
  end: number | undefined;
}

export class IndicatorRecorder implements DigitalPart {
  readonly activeLow: boolean;
  /** Every level change the device drove: time and pin level (repeats of the same level dropped). */
  readonly levels: { atMs: number; value: number }[] = [];

  constructor(options: IndicatorOptions = {}) {
    this.activeLow = options.activeLow ?? false;
  }

  driven(value: number, atMs: number): void {
    const last = this.levels[this.levels.length - 1];
    if (last && last.value === value) return;
    this.levels.push({ atMs, value });
  }

  /**
   * Forgets the level changes before `t`, keeping the level in force at `t`: a test watching a
   * 12-hour run measures what the device keeps, not this log of every blink.
   */
  forgetBefore(t: number): void {
    let k = 0;
    while (k + 1 < this.levels.length && this.levels[k + 1].atMs <= t) k++;
    this.levels.splice(0, k);
  }

  /** Whether the part was on at time t. */
  isOnAt(t: number): boolean {
    let value: number | undefined;
    for (const l of this.levels) {
      if (l.atMs > t) break;
      value = l.value;
    }
    return value !== undefined && this.#on(value);
  }

  /** The on stretches that overlap [from, to). */
  onIntervals(from = 0, to = Infinity): OnInterval[] {
    const out: OnInterval[] = [];
    let open: OnInterval | undefined;
    for (const l of this.levels) {
      if (this.#on(l.value) && !open) open = { start: l.atMs, end: undefined };
      else if (!this.#on(l.value) && open) {
        open.end = l.atMs;
        out.push(open);
        open = undefined;
      }
    }
    if (open) out.push(open);
    return out.filter((i) => i.start < to && (i.end === undefined || i.end > from));
  }

  /** Durations (ms) of the finished on stretches starting in [from, to). */
  pulses(from = 0, to = Infinity): number[] {
    return this.onIntervals(from, to)
      .filter((i) => i.end !== undefined && i.start >= from)
      .map((i) => i.end! - i.start);
  }

  /** Total on time within [from, to). */
  onTime(from: number, to: number): number {
    let sum = 0;
    for (const i of this.onIntervals(from, to)) sum += Math.min(i.end ?? to, to) - Math.max(i.start, from);
    return sum;
  }

  #on(value: number): boolean {
    return this.activeLow ? value === 0 : value === 1;
  }
}
