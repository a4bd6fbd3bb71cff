// The host's "embedded:io/analog" as Moddable has it on the ESP32-S3: 12-bit, calibrated,
// 12 dB attenuation, so the value is the pin's millivolts rescaled (mV × 4095 / 2450) and clipped
// at full scale. A few LSB of seeded noise stand in for the real converter's, so firmware must
// smooth as it would on the device.
import { currentBoard } from '../board/current';
import type { AnalogPart } from '../board/sim-board';
import { Random } from '../random';

export interface AnalogOptions {
  pin: number;
  resolution?: number;
  format?: 'number';
  target?: unknown;
}

/** Full scale of the calibrated ESP32-S3 ADC at 12 dB attenuation. */
export const FULL_SCALE_MV = 2450;
const RESOLUTION = 12;
const MAX = (1 << RESOLUTION) - 1;
/** Peak noise in LSB: a triangular distribution of ±NOISE_LSB. */
export const NOISE_LSB = 3;

/** The calibrated value for a pin voltage, before noise. */
export function adcValue(millivolts: number): number {
  return Math.min(MAX, Math.max(0, Math.round((millivolts * MAX) / FULL_SCALE_MV)));
}

export default class Analog {
  target: unknown;
  readonly #part: AnalogPart | undefined;
  readonly #noise: Random;
  #closed = false;

  constructor(options: AnalogOptions) {
    const { pin, resolution } = options;
    if (!Number.isInteger(pin) || pin < 0) throw new RangeError(`invalid pin ${String(pin)}`);
    if (resolution !== undefined && resolution !== RESOLUTION) throw new RangeError(`unsupported resolution ${resolution}`);
    this.#part = currentBoard().analog.get(pin);
    // Seeded by pin: the same scenario reads the same noise.
    this.#noise = new Random(0xadc00000 + pin);
    this.target = options.target;
  }

  get resolution(): number {
    this.#check();
    return RESOLUTION;
  }

  read(): number {
    this.#check();
    const mv = this.#part?.millivolts() ?? 0;
    const noise = this.#noise.range(-NOISE_LSB, NOISE_LSB) + this.#noise.range(-NOISE_LSB, NOISE_LSB);
    return Math.min(MAX, Math.max(0, adcValue(mv) + Math.trunc(noise / 2)));
  }

  close(): void {
    this.#closed = true;
  }

  get format(): 'number' {
    this.#check();
    return 'number';
  }

  set format(value: 'number') {
    this.#check();
    if (value !== 'number') throw new RangeError(`unsupported format ${String(value)}`);
  }

  #check(): void {
    if (this.#closed) throw new Error('closed');
  }
}
