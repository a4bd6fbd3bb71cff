// Virtual time for the simulator: nothing waits, everything is replayable.
export class VirtualClock {
  #mono = 0;
  /** Wall-clock ms at mono 0, or undefined while the RTC has no valid time. */
  #wallAtZero: number | undefined;

  constructor(wallAtZero: number | undefined = Date.UTC(2026, 10, 26, 1, 0, 0)) {
    this.#wallAtZero = wallAtZero;
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
