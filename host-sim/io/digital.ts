// The host's "embedded:io/digital" (ECMA-419 §10, Moddable's constants): a pin of the simulated
// board. Inputs read the attached part's level, or the pull resistor's level when the part does
// not drive the pin; outputs report each level to the part with the virtual time. Edge callbacks
// are queued on the board's scheduler, never run inside a method, the constructor or the part.
import { currentBoard } from '../board/current';
import type { DigitalPart, SimBoard } from '../board/sim-board';
import type { TimerHandle } from '../time/scheduler';

type Level = 0 | 1;

export interface DigitalOptions {
  pin: number;
  mode: number;
  edge?: number;
  onReadable?: (this: Digital) => void;
  format?: 'number';
  target?: unknown;
}

const INPUT = 0;
const INPUT_PULL_UP = 1;
const INPUT_PULL_DOWN = 2;
const INPUT_PULL_UP_DOWN = 3;
const OUTPUT = 8;
const OUTPUT_OPEN_DRAIN = 9;
const MODES = new Set([INPUT, INPUT_PULL_UP, INPUT_PULL_DOWN, INPUT_PULL_UP_DOWN, OUTPUT, OUTPUT_OPEN_DRAIN]);

/** Pins open per board: a pin belongs to one instance at a time, as on the device. */
const openPins = new WeakMap<SimBoard, Set<number>>();

export default class Digital {
  static readonly Input = INPUT;
  static readonly InputPullUp = INPUT_PULL_UP;
  static readonly InputPullDown = INPUT_PULL_DOWN;
  static readonly InputPullUpDown = INPUT_PULL_UP_DOWN;
  static readonly Output = OUTPUT;
  static readonly OutputOpenDrain = OUTPUT_OPEN_DRAIN;
  static readonly Rising = 1;
  static readonly Falling = 2;

  target: unknown;
  readonly #board: SimBoard;
  readonly #pin: number;
  readonly #mode: number;
  readonly #part: DigitalPart | undefined;
  readonly #edge: number;
  readonly #onReadable: ((this: Digital) => void) | undefined;
  #unwatch: (() => void) | undefined;
  #pending: TimerHandle | undefined;
  /** Input: the level last seen (for edge detection); output: the level last written. */
  #level: Level;
  #closed = false;

  constructor(options: DigitalOptions) {
    const { pin, mode, edge, onReadable } = options;
    if (!Number.isInteger(pin) || pin < 0) throw new RangeError(`invalid pin ${String(pin)}`);
    if (!MODES.has(mode)) throw new RangeError(`invalid mode ${String(mode)}`);
    if (onReadable !== undefined && typeof onReadable !== 'function') throw new TypeError('onReadable must be a function');
    const output = mode === OUTPUT || mode === OUTPUT_OPEN_DRAIN;
    if (onReadable && output) throw new RangeError('onReadable on an output');
    if (onReadable && !(edge === 1 || edge === 2 || edge === 3)) throw new RangeError('onReadable needs edge Rising, Falling or both');
    this.#board = currentBoard();
    let pins = openPins.get(this.#board);
    if (!pins) openPins.set(this.#board, (pins = new Set()));
    if (pins.has(pin)) throw new Error(`pin ${pin} in use`);
    pins.add(pin);

    this.#pin = pin;
    this.#mode = mode;
    this.#part = this.#board.digital.get(pin);
    this.#edge = onReadable ? (edge as number) : 0;
    this.#onReadable = onReadable;
    this.target = options.target;
    if (output) {
      // An ESP32 output drives its output register, which is 0 after reset.
      this.#level = 0;
      this.#part?.driven?.(0, this.#board.scheduler.now());
    } else {
      this.#level = this.#input();
      if (this.#onReadable && this.#part?.watch) this.#unwatch = this.#part.watch(() => this.#changed());
    }
  }

  read(): Level {
    this.#check();
    return this.#isOutput() ? this.#level : this.#input();
  }

  write(value: Level): void {
    this.#check();
    if (!this.#isOutput()) throw new Error('write on an input');
    if (value !== 0 && value !== 1) throw new RangeError(`invalid value ${String(value)}`);
    this.#level = value;
    this.#part?.driven?.(value, this.#board.scheduler.now());
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch?.();
    this.#board.scheduler.clear(this.#pending);
    openPins.get(this.#board)?.delete(this.#pin);
  }

  get format(): 'number' {
    this.#check();
    return 'number';
  }

  set format(value: 'number') {
    this.#check();
    if (value !== 'number') throw new RangeError(`unsupported format ${String(value)}`);
  }

  #isOutput(): boolean {
    return this.#mode === OUTPUT || this.#mode === OUTPUT_OPEN_DRAIN;
  }

  /** The pin's level: what the part drives, else the pull (a floating Input reads 0 here, deterministically). */
  #input(): Level {
    const driven = this.#part?.level?.();
    if (driven !== undefined) return driven ? 1 : 0;
    return this.#mode === INPUT_PULL_UP || this.#mode === INPUT_PULL_UP_DOWN ? 1 : 0;
  }

  /** The part says its level changed: a matching edge queues one callback (edges coalesce until it runs, as Moddable's ISR does). */
  #changed(): void {
    // A pin opened before a power cut belongs to firmware whose RAM is gone: its part may
    // still hold this subscription, but the dead instance must never act again.
    if (this.#closed || currentBoard() !== this.#board) {
      this.#unwatch?.();
      return;
    }
    const now = this.#input();
    if (now === this.#level) return;
    this.#level = now;
    const mask = now ? Digital.Rising : Digital.Falling;
    if (!(this.#edge & mask) || this.#pending) return;
    this.#pending = this.#board.scheduler.set(() => {
      this.#pending = undefined;
      if (!this.#closed) this.#onReadable!.call(this);
    }, 0);
  }

  #check(): void {
    if (this.#closed) throw new Error('closed');
  }
}
