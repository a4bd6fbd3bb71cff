// The officer's feedback: the user LED (a GPIO) and the vibration motor (an I/O expander pin,
// opened by the caller), wired as hal/board.ts says, each playing the patterns in patterns.ts.
import { Indicator } from "./indicator";
import type { DigitalClass } from "./debounce";
import { LED, VIBRATION } from "./patterns";
import type { OutputPin } from "./pca9554";

export interface IndicatorsOptions {
  Digital: DigitalClass;
  led: { pin: number; activeLow?: boolean };
  vibration: { pin: number; activeLow?: boolean } | { output: OutputPin; activeLow?: boolean };
}

export type LedState = "off" | "standby" | "recording";

export class Indicators {
  readonly led: Indicator;
  readonly vibration: Indicator;

  constructor(options: IndicatorsOptions) {
    this.led = new Indicator({ Digital: options.Digital, pin: options.led.pin, activeLow: options.led.activeLow ?? false });
    const v = options.vibration;
    this.vibration = new Indicator("output" in v ? v : { Digital: options.Digital, pin: v.pin, activeLow: v.activeLow });
  }

  /** The LED's base state (a warning, while on, shows over it). */
  state(state: LedState): void {
    this.led.stop(LED.standby);
    this.led.stop(LED.recording);
    if (state !== "off") this.led.play(LED[state]);
  }

  /** The fast-blink warning, on or off. */
  warning(on: boolean): void {
    if (on) this.led.play(LED.warning);
    else this.led.stop(LED.warning);
  }

  confirm(): void {
    this.vibration.play(VIBRATION.confirm);
  }

  prompt(): void {
    this.vibration.play(VIBRATION.prompt);
  }

  refused(): void {
    this.vibration.play(VIBRATION.refused);
  }

  critical(): void {
    this.vibration.play(VIBRATION.critical);
  }

  close(): void {
    this.led.close();
    this.vibration.close();
  }
}
