// The officer's feedback: the user LED and the vibration motor, wired as hal/board.ts says,
// each playing the patterns in patterns.ts.
import { Indicator } from "./indicator";
import type { DigitalClass } from "./debounce";
import { LED, VIBRATION } from "./patterns";

export interface IndicatorsOptions {
  Digital: DigitalClass;
  led: { pin: number; activeLow?: boolean };
  vibration: { pin: number };
}

export type LedState = "off" | "standby" | "recording";

export class Indicators {
  readonly led: Indicator;
  readonly vibration: Indicator;

  constructor(options: IndicatorsOptions) {
    this.led = new Indicator({ Digital: options.Digital, pin: options.led.pin, activeLow: options.led.activeLow ?? false });
    this.vibration = new Indicator({ Digital: options.Digital, pin: options.vibration.pin });
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
