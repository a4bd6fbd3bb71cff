// XS side of Moddable's `time` module. The host owns virtual time; it sends its scheduler's
// time with every command into XS (setTicks), and time does not move while XS runs (the
// host's scheduler waits for the command to finish), so Time.ticks needs no crossing.
import { call } from './channel';

let now = 0;

/** The host's virtual time (ms since boot), with each command. */
export function setTicks(ms: number): void {
  now = ms;
}

const Time = {
  /** Monotonic ms since boot as a wrapping int32, like the device's. */
  get ticks(): number {
    return now | 0;
  },
  delta(start: number, end?: number): number {
    return ((end ?? Time.ticks) - start) | 0;
  },
  /** Sets the device's system clock, seconds since 1970 (kept by the host, as host-sim/time/time-module.ts does). */
  set(seconds: number): void {
    call('time.set', { seconds });
  },
  timezone: 0,
  dst: 0,
};

export default Time;
