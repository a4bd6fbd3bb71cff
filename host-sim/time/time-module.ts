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
  /** Sets the system (wall) clock, seconds since 1970. */
  set(seconds: number): void {
    currentBoard().scheduler.clock.setWall(seconds * 1000);
  },
  timezone: 0,
  dst: 0,
};

export default Time;
