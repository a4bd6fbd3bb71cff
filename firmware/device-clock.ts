// The device's clocks. Monotonic time from Time.ticks (an int32 that wraps every 24.8
// days, unwrapped here); wall time from the RTC, read at start and every minute and
// carried forward on the monotonic clock in between (reading I2C on every record would
// cost more than it tells).
import Time from "time";
import type { ClockPort } from "./core/recorder/ports";

export interface RtcLike {
  /** ms since 1970, or undefined when the RTC lost power. */
  time: number | undefined;
}

const RESYNC_MS = 60_000;

export class DeviceClock implements ClockPort {
  readonly #rtc: RtcLike;
  #lastTicks = Time.ticks;
  #mono = 0;
  #wallBase: number | undefined;
  #monoBase = 0;

  constructor(rtc: RtcLike) {
    this.#rtc = rtc;
    this.#resync();
  }

  mono(): number {
    const t = Time.ticks;
    this.#mono += Time.delta(this.#lastTicks, t);
    this.#lastTicks = t;
    return this.#mono;
  }

  wall(): number | undefined {
    const m = this.mono();
    if (m - this.#monoBase >= RESYNC_MS) this.#resync();
    return this.#wallBase === undefined ? undefined : this.#wallBase + (this.mono() - this.#monoBase);
  }

  /** Sets the RTC (GNSS or a technician); returns the time it had before. */
  set(ms: number): number | undefined {
    const old = this.wall();
    this.#rtc.time = ms;
    this.#resync();
    return old;
  }

  #resync(): void {
    this.#monoBase = this.mono();
    this.#wallBase = this.#rtc.time;
  }
}
