// NXP/TI PCA9554 (and the pin-compatible TCA9554) 8-bit I2C I/O expander: the outputs the
// XIAO has no GPIO left for (the vibration motor; docs/HARDWARE.md "Pin budget").
//
// From the datasheet (TI SCPS128D §8.3.2): a command byte selects one of four registers,
// 0 input port (read only), 1 output port (power-on 0xFF), 2 polarity inversion (inputs
// only, 0x00), 3 configuration (1 = input, the power-on 0xFF); further data bytes go to
// the same register (no auto-increment). Addresses 0x20-0x27 by A2-A0 (PCA9554A:
// 0x38-0x3F). Every write here sends the whole register from a shadow copy, so a write
// that failed is repaired by the next one rather than leaving a pin half-configured.
import type { I2cIo, I2cPartOptions } from "../rtc/i2c-io";

export const PCA9554_ADDRESS = 0x20;

export const Pca9554Register = { INPUT: 0, OUTPUT: 1, POLARITY: 2, CONFIGURATION: 3 } as const;

export interface Pca9554Options {
  sensor: I2cPartOptions;
  /** A write to the expander failed (the output keeps its last level until the next write works). */
  onError?: (error: unknown) => void;
}

/** What an indicator needs of an output: the same as an ECMA-419 Digital output. */
export interface OutputPin {
  write(value: number): void;
  close(): void;
}

export class Pca9554 {
  #io: I2cIo | undefined;
  /** Shadows of the output and configuration registers (their power-on values). */
  #output = 0xff;
  #config = 0xff;
  /** A write failed: the next one sends both registers. */
  #stale = false;
  readonly #onError: Pca9554Options["onError"];

  constructor(options: Pca9554Options) {
    const { io: IO, ...bus } = options.sensor;
    // Not probed: the camera records without its vibration motor; a missing expander shows
    // as onError at the first write.
    this.#io = new IO({ hz: 400_000, address: PCA9554_ADDRESS, ...bus });
    this.#onError = options.onError;
  }

  /** Pin 0…7 as an output, first set to `initial` so it never glitches to the other level. */
  output(pin: number, initial: number): OutputPin {
    if (!(Number.isInteger(pin) && pin >= 0 && pin <= 7)) throw new RangeError("PCA9554 pin is 0…7");
    const bit = 1 << pin;
    this.#setOutput(bit, initial);
    this.#config &= ~bit;
    this.#send(Pca9554Register.CONFIGURATION, this.#config);
    let open = true;
    return {
      write: (value: number) => {
        if (!open) throw new Error("closed");
        this.#setOutput(bit, value);
      },
      close: () => {
        if (!open) return;
        open = false;
        this.#config |= bit; // back to an input: the pull-up holds the pin high
        this.#send(Pca9554Register.CONFIGURATION, this.#config);
      },
    };
  }

  /** The pins' levels now (the input port register reads every pin, outputs included). */
  read(): number {
    const io = this.#open();
    io.write(Uint8Array.of(Pca9554Register.INPUT), false);
    return new Uint8Array(io.read(1))[0];
  }

  close(): void {
    this.#io?.close();
    this.#io = undefined;
  }

  #setOutput(bit: number, value: number): void {
    const next = value ? this.#output | bit : this.#output & ~bit;
    if (next === this.#output && !this.#stale) return;
    this.#output = next;
    this.#send(Pca9554Register.OUTPUT, next);
  }

  #send(register: number, value: number): void {
    const io = this.#open();
    try {
      if (this.#stale) {
        io.write(Uint8Array.of(Pca9554Register.OUTPUT, this.#output));
        io.write(Uint8Array.of(Pca9554Register.CONFIGURATION, this.#config));
        this.#stale = false;
      } else io.write(Uint8Array.of(register, value));
    } catch (e) {
      // An indicator writes from timer callbacks: a bus fault must not stop the firmware.
      this.#stale = true;
      this.#onError?.(e);
    }
  }

  #open(): I2cIo {
    if (!this.#io) throw new Error("closed");
    return this.#io;
  }
}
