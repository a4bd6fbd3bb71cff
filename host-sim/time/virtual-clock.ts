// Virtual time for the simulator: nothing waits, everything is replayable. `mono` is the
// device's time since boot; `wall` is the true time of the simulated world (what an RTC
// model counts from), not a clock the device can set.
export const DEFAULT_WORLD_START = Date.UTC(2026, 10, 26, 1, 0, 0);

export class VirtualClock {
  #mono = 0;
  /** World time at mono 0, or undefined for a world without a time (tests of unset clocks). */
  #wallAtZero: number | undefined;

  /** `null` starts without a wall time. */
  constructor(wallAtZero: number | null = DEFAULT_WORLD_START) {
    this.#wallAtZero = wallAtZero ?? undefined;
  }

  mono(): number {
    return this.#mono;
  }

  wall(): number | undefined {
    return this.#wallAtZero === undefined ? undefined : this.#wallAtZero + this.#mono;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms}`);
    this.#mono += ms;
  }

  /** A reboot: monotonic time starts over, the wall clock (RTC) keeps running. */
  reboot(offMs = 0): void {
    const wall = this.wall();
    this.#mono = 0;
    this.#wallAtZero = wall === undefined ? undefined : wall + offMs;
  }

  setWall(ms: number | undefined): void {
    this.#wallAtZero = ms === undefined ? undefined : ms - this.#mono;
  }
}
