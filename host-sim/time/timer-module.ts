// The host's "timer" module (Moddable's Timer) over the simulator's virtual scheduler.
import { currentBoard } from '../board/current';
import type { TimerHandle } from './scheduler';

type Callback = (t: TimerHandle) => void;

const Timer = {
  set(callback: Callback, interval = 0, repeat = 0): TimerHandle {
    return currentBoard().scheduler.set(callback, interval, repeat);
  },
  repeat(callback: Callback, interval: number): TimerHandle {
    return currentBoard().scheduler.set(callback, interval, interval);
  },
  schedule(timer: TimerHandle, interval = 0, repeat = 0): void {
    currentBoard().scheduler.schedule(timer, interval, repeat);
  },
  clear(timer: TimerHandle | undefined | null): void {
    currentBoard().scheduler.clear(timer);
  },
  /** Blocks on the device (no timer runs meanwhile): time simply passes. */
  delay(ms: number): void {
    currentBoard().scheduler.clock.advance(Math.max(0, ms));
  },
};

export default Timer;
