// XS side of Moddable's `timer` module: the host owns virtual time (host-sim/time/scheduler.ts),
// so each timer is set on the host's scheduler; when it fires there, the host sends a command
// into XS (fireTimer) that runs the callback. Timers live in RAM: a new worker starts with none.
import { call } from './channel';
import { setTicks } from './time';

export interface XsTimer {
  readonly id: number;
}

type Callback = (timer: XsTimer) => void;

interface Entry {
  handle: XsTimer;
  callback: Callback;
  repeat: boolean;
}

const timers = new Map<number, Entry>();
let nextId = 1;

/** The host's scheduler fired timer `id`. */
export function fireTimer(id: number): void {
  const e = timers.get(id);
  if (!e) return;
  if (!e.repeat) timers.delete(id);
  e.callback(e.handle);
}

const Timer = {
  set(callback: Callback, interval?: number, repeat?: number): XsTimer {
    const handle = Object.freeze({ id: nextId++ });
    call('timer.set', { id: handle.id, ms: interval, repeat });
    timers.set(handle.id, { handle, callback, repeat: (repeat ?? 0) > 0 });
    return handle;
  },
  repeat(callback: Callback, interval: number): XsTimer {
    return Timer.set(callback, interval, interval);
  },
  schedule(timer: XsTimer, interval?: number, repeat?: number): void {
    const e = timers.get(timer.id);
    if (!e) throw new Error('timer: no such timer (fired or cleared)');
    call('timer.schedule', { id: timer.id, ms: interval, repeat });
    e.repeat = (repeat ?? 0) > 0;
  },
  clear(timer: XsTimer | undefined | null): void {
    // A fired one-shot timer or one already cleared is gone on the host too: nothing to send.
    if (!timer || !timers.has(timer.id)) return;
    timers.delete(timer.id);
    call('timer.clear', { id: timer.id });
  },
  /** Blocks on the device: the host's clock moves on. */
  delay(ms: number): void {
    setTicks(call('timer.delay', { ms }).value as number);
  },
};

export default Timer;
