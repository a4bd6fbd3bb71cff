// One push button to ground on a pulled-up input, debounced: every edge restarts a quiet
// period, and only a level that stays put for the whole period counts. The change is stamped
// with the first edge of its bounce, so gesture timing starts when the finger pressed.
import Digital from "embedded:io/digital";
import Timer from "timer";
import Time from "time";

export type DigitalClass = typeof Digital;

export interface DebouncedButtonOptions {
  Digital: DigitalClass;
  pin: number;
  /** How long the level must stay unchanged to count (ms). */
  debounceMs: number;
  /** A settled change: pressed or released, and the tick of its first edge. */
  onChange(pressed: boolean, sinceTicks: number): void;
}

export class DebouncedButton {
  readonly #io: Digital;
  readonly #debounceMs: number;
  readonly #onChange: (pressed: boolean, sinceTicks: number) => void;
  #pressed = false;
  #firstEdge: number | undefined;
  #quiet: Timer | undefined;

  constructor(options: DebouncedButtonOptions) {
    const D = options.Digital;
    this.#debounceMs = options.debounceMs;
    this.#onChange = options.onChange;
    const self = this;
    // A button already held at start reads as released until it is let go and pressed again:
    // a held button at boot is not a gesture.
    this.#io = new D({
      pin: options.pin,
      mode: D.InputPullUp,
      edge: D.Rising + D.Falling,
      onReadable() {
        self.#edge();
      },
    });
  }

  get pressed(): boolean {
    return this.#pressed;
  }

  close(): void {
    Timer.clear(this.#quiet);
    this.#quiet = undefined;
    this.#io.close();
  }

  #edge(): void {
    if (this.#firstEdge === undefined) this.#firstEdge = Time.ticks;
    Timer.clear(this.#quiet);
    this.#quiet = Timer.set(() => this.#settled(), this.#debounceMs);
  }

  #settled(): void {
    this.#quiet = undefined;
    const since = this.#firstEdge ?? Time.ticks;
    this.#firstEdge = undefined;
    const pressed = this.#io.read() === 0; // active low
    if (pressed === this.#pressed) return; // a glitch that came back
    this.#pressed = pressed;
    this.#onChange(pressed, since);
  }
}
