// The host's "time" module (Moddable's Time) over the simulator's virtual clock.
import { currentBoard } from '../board/current';

const Time = {
  /** Monotonic ms since boot as a wrapping int32, like the device's. */
  get ticks(): number {
    return currentBoard().scheduler.now() | 0;
  },
  /** Ticks elapsed from start to end (default now), correct across the int32 wrap. */
  delta(start: number, end?: number): number {
    return ((end ?? this.ticks) - start) | 0;
  },
  /**
   * Sets the device's system clock, seconds since 1970. It moves only the device's own
   * notion of the time (kept on the scheduler), never the simulated world's time that
   * the RTC and GNSS models count from.
   */
  set(seconds: number): void {
    const s = currentBoard().scheduler;
    s.systemClock = { mono: s.now(), wall: seconds * 1000 };
  },
  timezone: 0,
  dst: 0,
};

export default Time;
