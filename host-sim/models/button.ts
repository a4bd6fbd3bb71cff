// A push button between a pin and ground (the pin's pull-up gives the idle level). Real contacts
// bounce: on press and on release the contact makes and breaks a few times over a few ms before
// it settles. The bounce is seeded, so a scenario replays exactly.
import type { DigitalPart } from '../board/sim-board';
import type { Scheduler } from '../time/scheduler';
import { Random } from '../random';

const ground = (): number => 0;

export interface ButtonOptions {
  /** Seed for the bounce pattern. */
  seed?: number;
  /** How long the contact bounces on each press and release (ms); 0 for a clean contact. */
  bounceMs?: number;
  /** Most extra make/break pairs in one bounce. */
  maxBounces?: number;
}

export class ButtonModel implements DigitalPart {
  readonly #scheduler: Scheduler;
  readonly #random: Random;
  readonly #bounceMs: number;
  readonly #maxBounces: number;
  readonly #watchers = new Set<() => void>();
  #closed = false;
  /** Every contact change (time, closed), bounces included, for tests to inspect. */
  readonly transitions: { atMs: number; closed: boolean }[] = [];

  constructor(scheduler: Scheduler, options: ButtonOptions = {}) {
    this.#scheduler = scheduler;
    this.#random = new Random(options.seed ?? 1);
    this.#bounceMs = options.bounceMs ?? 5;
    this.#maxBounces = options.maxBounces ?? 4;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /**
   * A closed contact drives the pin to ground; an open one does not drive it at all, so the
   * pin reads its pull resistor. (DigitalPart.level is optional: absent means "not driving".)
   */
  get level(): (() => number) | undefined {
    return this.#closed ? ground : undefined;
  }

  watch(onChange: () => void): () => void {
    this.#watchers.add(onChange);
    return () => this.#watchers.delete(onChange);
  }

  /** Presses at `atMs` (virtual time) and releases `holdMs` later. */
  press(atMs: number, holdMs: number): void {
    this.down(atMs);
    this.up(atMs + holdMs);
  }

  /** The contact starts to close at `atMs`. */
  down(atMs: number): void {
    this.#settle(atMs, true);
  }

  /** The contact starts to open at `atMs`. */
  up(atMs: number): void {
    this.#settle(atMs, false);
  }

  /** Schedules the first change at atMs, then bounces (whole ms, as the device's ticks) that end in `closed` by atMs + bounceMs. */
  #settle(atMs: number, closed: boolean): void {
    const times = [atMs];
    const bounces = this.#bounceMs > 0 ? this.#random.range(1, this.#maxBounces) : 0;
    const offsets: number[] = [];
    for (let i = 0; i < bounces * 2; i++) offsets.push(this.#random.range(1, this.#bounceMs));
    offsets.sort((a, b) => a - b);
    for (const o of offsets) times.push(atMs + o);
    // Each change toggles the contact; an odd count of changes ends in the new state.
    times.forEach((t, i) => this.#at(t, i % 2 === 0 ? closed : !closed));
  }

  #at(atMs: number, closed: boolean): void {
    this.#scheduler.set(() => {
      if (this.#closed === closed) return;
      this.#closed = closed;
      this.transitions.push({ atMs: this.#scheduler.now(), closed });
      for (const w of [...this.#watchers]) w();
    }, atMs - this.#scheduler.now());
  }
}
