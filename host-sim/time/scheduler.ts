// Virtual time with timers: the simulator's event loop. Nothing waits on the host clock;
// time jumps from one due timer to the next (fast-forward when idle), so every run is
// deterministic and replayable. Timers due at the same time run in the order they were set.
import { VirtualClock } from './virtual-clock';

export interface TimerHandle {
  readonly id: number;
}

interface Entry extends TimerHandle {
  due: number;
  repeat: number;
  order: number;
  callback: (t: TimerHandle) => void;
  live: boolean;
}

export class Scheduler {
  readonly clock: VirtualClock;
  /** The device's system clock as Time.set last set it (the world's time is clock.wall()). */
  systemClock: { mono: number; wall: number } | undefined;
  #timers = new Map<number, Entry>();
  #nextId = 1;
  #order = 0;

  constructor(clock = new VirtualClock()) {
    this.clock = clock;
  }

  now(): number {
    return this.clock.mono();
  }

  /** Calls back after `ms`, then every `repeat` ms if given (> 0). */
  set(callback: (t: TimerHandle) => void, ms = 0, repeat = 0): TimerHandle {
    const e: Entry = { id: this.#nextId++, due: this.now() + Math.max(0, ms), repeat: Math.max(0, repeat), order: this.#order++, callback, live: true };
    this.#timers.set(e.id, e);
    return e;
  }

  /** Re-arms an existing timer (Moddable's Timer.schedule). */
  schedule(t: TimerHandle, ms = 0, repeat = 0): void {
    const e = this.#timers.get(t.id) ?? (t as Entry);
    e.due = this.now() + Math.max(0, ms);
    e.repeat = Math.max(0, repeat);
    e.order = this.#order++;
    e.live = true;
    this.#timers.set(e.id, e);
  }

  clear(t: TimerHandle | undefined | null): void {
    if (!t) return;
    const e = this.#timers.get(t.id);
    if (e) e.live = false;
    this.#timers.delete(t.id);
  }

  /** Due time of the next timer, or undefined when none is set. */
  nextDue(): number | undefined {
    let best: Entry | undefined;
    for (const e of this.#timers.values()) if (!best || e.due < best.due || (e.due === best.due && e.order < best.order)) best = e;
    return best?.due;
  }

  /** Forgets every timer (the device lost power: its RAM is gone). */
  clearAll(): void {
    for (const e of this.#timers.values()) e.live = false;
    this.#timers.clear();
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Runs every timer due up to `t`, in time order, advancing the clock to each; ends at `t`. */
  runUntil(t: number): void {
    for (;;) {
      let next: Entry | undefined;
      for (const e of this.#timers.values()) if (e.due <= t && (!next || e.due < next.due || (e.due === next.due && e.order < next.order))) next = e;
      if (!next) break;
      if (next.due > this.now()) this.clock.advance(next.due - this.now());
      if (next.repeat > 0) {
        next.due += next.repeat;
        next.order = this.#order++;
      } else this.#timers.delete(next.id);
      next.callback(next);
    }
    if (t > this.now()) this.clock.advance(t - this.now());
  }

  runFor(ms: number): void {
    this.runUntil(this.now() + ms);
  }
}
