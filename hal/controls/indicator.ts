// One output (an LED or the vibration motor) playing patterns with Timer. Every pattern asked
// for stays wanted until it ends (one-shot) or is stopped (repeating); the output plays the
// highest-priority wanted one, the latest among equals, and falls back to the next when it ends.
// When one pattern takes over from another while the output is on, a short dark gap comes first,
// so a buzz or a blink is never merged into the one before it.
import Timer from "timer";
import type { DigitalClass } from "./debounce";
import type { Pattern } from "./patterns";
import type { OutputPin } from "./pca9554";

/** A GPIO (opened here as a Digital output) or an output already open (an expander pin). */
export type IndicatorOutput = { Digital: DigitalClass; pin: number } | { output: OutputPin };

export type IndicatorOptions = IndicatorOutput & {
  /** On is a low level (the XIAO's user LED; the motor's P-channel switch). */
  activeLow?: boolean;
};

/** Off time between two patterns when the output was on (ms). */
export const GAP_MS = 100;

interface Wanted {
  pattern: Pattern;
  order: number;
}

export class Indicator {
  readonly #io: OutputPin;
  readonly #activeLow: boolean;
  readonly #wanted = new Map<string, Wanted>();
  #order = 0;
  #playing: Pattern | undefined;
  #step = 0;
  #timer: Timer | undefined;
  #on = false;

  constructor(options: IndicatorOptions) {
    this.#io = "output" in options ? options.output : new options.Digital({ pin: options.pin, mode: options.Digital.Output });
    this.#activeLow = options.activeLow ?? false;
    this.#set(false);
  }

  /** The pattern on the output now, if any. */
  get current(): Pattern | undefined {
    return this.#playing;
  }

  /** Wants a pattern (again from its start if already wanted). */
  play(pattern: Pattern): void {
    this.#wanted.set(pattern.name, { pattern, order: this.#order++ });
    if (this.#playing?.name === pattern.name) this.#playing = undefined; // restart it
    this.#update();
  }

  /** No longer wants a pattern. */
  stop(pattern: Pattern | string): void {
    if (this.#wanted.delete(typeof pattern === "string" ? pattern : pattern.name)) this.#update();
  }

  stopAll(): void {
    this.#wanted.clear();
    this.#update();
  }

  close(): void {
    Timer.clear(this.#timer);
    this.#timer = undefined;
    this.#wanted.clear();
    this.#playing = undefined;
    this.#set(false);
    this.#io.close();
  }

  #top(): Pattern | undefined {
    let best: Wanted | undefined;
    for (const w of this.#wanted.values())
      if (!best || w.pattern.priority > best.pattern.priority || (w.pattern.priority === best.pattern.priority && w.order > best.order)) best = w;
    return best?.pattern;
  }

  #update(): void {
    const top = this.#top();
    if (top === this.#playing && top !== undefined) return;
    Timer.clear(this.#timer);
    this.#timer = undefined;
    this.#playing = top;
    this.#step = 0;
    if (!top) this.#set(false);
    else if (this.#on) {
      this.#set(false);
      this.#timer = Timer.set(() => {
        this.#timer = undefined;
        this.#start();
      }, GAP_MS);
    } else this.#start();
  }

  #start(): void {
    if (this.#playing!.steps.length === 0) this.#set(true);
    else this.#run();
  }

  /** Puts step #step on the output and times the next. */
  #run(): void {
    const p = this.#playing!;
    if (this.#step === p.steps.length) {
      if (!p.repeat) {
        this.#wanted.delete(p.name);
        this.#playing = undefined;
        this.#update();
        return;
      }
      this.#step = 0;
    }
    this.#set(this.#step % 2 === 0);
    const ms = p.steps[this.#step++];
    this.#timer = Timer.set(() => {
      this.#timer = undefined;
      this.#run();
    }, ms);
  }

  #set(on: boolean): void {
    this.#on = on;
    this.#io.write(on !== this.#activeLow ? 1 : 0);
  }
}
