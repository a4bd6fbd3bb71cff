// The record and mark buttons as gestures. A short press is reported on release; a long press
// as soon as the threshold passes, while still held (so continuous mode's deliberate stop needs
// no guessing when to let go); a combo when both are held together (the obstruction mark, art.
// 17), which swallows both buttons' own gestures until both are up; a double press only when a
// window is configured, since waiting for a second press delays every single one.
import Timer from "timer";
import Time from "time";
import { DebouncedButton, type DigitalClass } from "./debounce";

export type ButtonName = "record" | "mark";

export interface ButtonTiming {
  /** Quiet time that makes a level count (ms). */
  debounceMs: number;
  /** Hold time that makes a long press (ms). */
  longPressMs: number;
  /** How long both buttons must be held together to make a combo (ms). */
  comboMs: number;
  /** Window after a short press for a second one to make a double press (ms); 0 disables. */
  doublePressMs: number;
}

export const DEFAULT_TIMING: ButtonTiming = { debounceMs: 30, longPressMs: 1500, comboMs: 500, doublePressMs: 0 };

export interface ButtonsOptions extends Partial<ButtonTiming> {
  Digital: DigitalClass;
  pins: Readonly<Record<ButtonName, number>>;
  onPress?(this: Buttons, button: ButtonName): void;
  onLongPress?(this: Buttons, button: ButtonName): void;
  onDoublePress?(this: Buttons, button: ButtonName): void;
  onCombo?(this: Buttons): void;
}

interface ButtonState {
  input: DebouncedButton;
  downAt: number;
  /** This press already became a long press or a combo: its release reports nothing. */
  consumed: boolean;
  longTimer: Timer | undefined;
  /** A short press waiting for the double-press window to close. */
  pendingSingle: Timer | undefined;
  /** This press began inside the window after a short press. */
  second: boolean;
}

export class Buttons {
  readonly timing: ButtonTiming;
  readonly #options: ButtonsOptions;
  readonly #state: Record<ButtonName, ButtonState>;
  #comboTimer: Timer | undefined;

  constructor(options: ButtonsOptions) {
    this.#options = options;
    this.timing = {
      debounceMs: options.debounceMs ?? DEFAULT_TIMING.debounceMs,
      longPressMs: options.longPressMs ?? DEFAULT_TIMING.longPressMs,
      comboMs: options.comboMs ?? DEFAULT_TIMING.comboMs,
      doublePressMs: options.doublePressMs ?? DEFAULT_TIMING.doublePressMs,
    };
    const make = (name: ButtonName): ButtonState => ({
      input: new DebouncedButton({
        Digital: options.Digital,
        pin: options.pins[name],
        debounceMs: this.timing.debounceMs,
        onChange: (pressed, since) => (pressed ? this.#down(name, since) : this.#up(name)),
      }),
      downAt: 0,
      consumed: false,
      longTimer: undefined,
      pendingSingle: undefined,
      second: false,
    });
    this.#state = { record: make("record"), mark: make("mark") };
  }

  /** Whether a button is held now (debounced). */
  isDown(button: ButtonName): boolean {
    return this.#state[button].input.pressed;
  }

  close(): void {
    Timer.clear(this.#comboTimer);
    this.#comboTimer = undefined;
    for (const s of Object.values(this.#state)) {
      Timer.clear(s.longTimer);
      Timer.clear(s.pendingSingle);
      s.longTimer = s.pendingSingle = undefined;
      s.input.close();
    }
  }

  #down(name: ButtonName, since: number): void {
    const s = this.#state[name];
    const other = this.#state[name === "record" ? "mark" : "record"];
    s.downAt = since;
    s.consumed = false;
    s.second = false;
    if (s.pendingSingle) {
      Timer.clear(s.pendingSingle);
      s.pendingSingle = undefined;
      s.second = true;
    }
    if (other.input.pressed && !other.consumed) {
      // Both held: a combo attempt. Neither button reports its own gesture for this press.
      this.#flushSingle(s);
      this.#flushSingle(other);
      for (const b of [s, other]) {
        Timer.clear(b.longTimer);
        b.longTimer = undefined;
        b.consumed = true;
      }
      const left = Math.max(0, this.timing.comboMs - Time.delta(since));
      this.#comboTimer = Timer.set(() => {
        this.#comboTimer = undefined;
        this.#options.onCombo?.call(this);
      }, left);
      return;
    }
    const left = Math.max(0, this.timing.longPressMs - Time.delta(since));
    s.longTimer = Timer.set(() => {
      s.longTimer = undefined;
      s.consumed = true;
      this.#flushSingle(s);
      this.#options.onLongPress?.call(this, name);
    }, left);
  }

  #up(name: ButtonName): void {
    const s = this.#state[name];
    Timer.clear(s.longTimer);
    s.longTimer = undefined;
    if (s.consumed) {
      // Letting go of either button before the combo time abandons the combo.
      if (this.#comboTimer) {
        Timer.clear(this.#comboTimer);
        this.#comboTimer = undefined;
      }
      return;
    }
    if (s.second) {
      s.second = false;
      this.#options.onDoublePress?.call(this, name);
    } else if (this.timing.doublePressMs > 0) {
      s.pendingSingle = Timer.set(() => {
        s.pendingSingle = undefined;
        this.#options.onPress?.call(this, name);
      }, this.timing.doublePressMs);
    } else this.#options.onPress?.call(this, name);
  }

  /** A press that opened a double-press window and then turned into something else was a single press. */
  #flushSingle(s: ButtonState): void {
    if (!s.second) return;
    s.second = false;
    const name = s === this.#state.record ? "record" : "mark";
    this.#options.onPress?.call(this, name);
  }
}
