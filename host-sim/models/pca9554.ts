// NXP/TI PCA9554 8-bit I/O expander (I2C target; address 0x20-0x27 by A2-A0) at the
// register level, as TI's datasheet (SCPS128D §8.2-8.3) describes it:
// - the first byte of a write is the command byte, selecting register 0 input port, 1 output
//   port, 2 polarity inversion, 3 configuration (its two low bits; the others are 0 in every
//   valid command); further bytes go to that same register (no auto-increment), and reads
//   return the selected register, again and again;
// - power-on: output 0xFF, polarity 0x00, configuration 0xFF (every pin an input);
// - a pin configured as an input is pulled up (100 kΩ to VDD) unless a part drives it; the
//   input port reads every pin's level, outputs included, inverted where polarity says so
//   for inputs only; writes to the input port are ignored.
// Parts on its pins are DigitalParts: they hear the pin's level whenever it changes (an
// output driven, or a pin released to its pull-up) and may drive an input.
import type { DigitalPart, I2cTarget } from '../board/sim-board';
import type { Scheduler } from '../time/scheduler';

export const PCA9554_ADDRESS = 0x20;

export class Pca9554Model implements I2cTarget {
  readonly #scheduler: Scheduler;
  readonly #regs = Uint8Array.of(0, 0xff, 0x00, 0xff);
  readonly #pins: (DigitalPart | undefined)[] = new Array(8).fill(undefined);
  #command = 0;
  /** The level last reported to each pin's part. */
  #reported = new Array<number | undefined>(8).fill(undefined);
  /** Transactions seen (each START), for bus-load figures. */
  transactions = 0;

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler;
  }

  /** A part on pin 0…7; it hears the pin's level now (pulled up at power-on). */
  attach(pin: number, part: DigitalPart): void {
    if (this.#pins[pin]) throw new Error(`PCA9554 pin ${pin} taken`);
    this.#pins[pin] = part;
    this.#reported[pin] = undefined;
    this.#report();
  }

  /** The level on each pin now. */
  level(pin: number): number {
    const bit = 1 << pin;
    if (!(this.#regs[3] & bit)) return this.#regs[1] & bit ? 1 : 0;
    return this.#pins[pin]?.level?.() ?? 1;
  }

  /** The four registers as they read now (for tests). */
  registers(): Uint8Array {
    return Uint8Array.of(this.#input(), this.#regs[1], this.#regs[2], this.#regs[3]);
  }

  write(data: Uint8Array, _stop: boolean): void {
    this.transactions++;
    if (data.length === 0) return;
    this.#command = data[0] & 0x03;
    for (let i = 1; i < data.length; i++) if (this.#command !== 0) this.#regs[this.#command] = data[i];
    this.#report();
  }

  read(length: number, _stop: boolean): Uint8Array {
    this.transactions++;
    const value = this.#command === 0 ? this.#input() : this.#regs[this.#command];
    return new Uint8Array(length).fill(value);
  }

  #input(): number {
    let v = 0;
    for (let p = 0; p < 8; p++) if (this.level(p)) v |= 1 << p;
    return v ^ (this.#regs[2] & this.#regs[3]);
  }

  #report(): void {
    const at = this.#scheduler.now();
    for (let p = 0; p < 8; p++) {
      const part = this.#pins[p];
      if (!part?.driven) continue;
      const level = this.level(p);
      if (this.#reported[p] === level) continue;
      this.#reported[p] = level;
      part.driven(level, at);
    }
  }
}
