// The microphone's model: real 16-bit PCM of a quiet room (seeded low noise and a faint mains
// hum) plus whatever the speaker played at the same instants, attenuated — so a recording made
// while the device speaks contains what it said. The signal is a pure function of the sample
// index (sample n is heard at n / sampleRate s of virtual time), so any capture repeats exactly.
import type { MicrophonePart } from '../board/sim-board';
import type { RecordingSpeaker } from './speaker';

/** "error": the microphone fails (capture() throws); "silent": it delivers no samples (a dead PDM clock). */
export type MicrophoneFault = 'none' | 'error' | 'silent';

export interface AmbientMicrophoneOptions {
  seed?: number;
  /** The speaker it hears, if any. */
  hears?: RecordingSpeaker;
  /** Loopback gain from speaker to microphone (default 0.25). */
  loopbackGain?: number;
  /** Peak amplitude of the ambient noise (default 120 of 32767, about −49 dBFS). */
  noiseAmplitude?: number;
  /** Amplitude and frequency of the hum (default 80 at 50 Hz). */
  humAmplitude?: number;
  humHz?: number;
}

export class AmbientMicrophone implements MicrophonePart {
  fault: MicrophoneFault = 'none';
  readonly #seed: number;
  readonly #speaker: RecordingSpeaker | undefined;
  readonly #gain: number;
  readonly #noise: number;
  readonly #hum: number;
  readonly #humHz: number;
  #cycle: { rate: number; values: Float64Array } | undefined;

  constructor(options: AmbientMicrophoneOptions = {}) {
    this.#seed = (options.seed ?? 1) >>> 0;
    this.#speaker = options.hears;
    this.#gain = options.loopbackGain ?? 0.25;
    this.#noise = options.noiseAmplitude ?? 120;
    this.#hum = options.humAmplitude ?? 80;
    this.#humHz = options.humHz ?? 50;
  }

  capture(firstSample: number, count: number, sampleRate: number): Int16Array {
    if (this.fault === 'error') throw new Error('microphone fault');
    if (this.fault === 'silent') return new Int16Array(0);
    const mix = new Float64Array(count);
    const hum = this.#humCycle(sampleRate);
    for (let i = 0; i < count; i++) {
      const n = firstSample + i;
      const h = hum ? hum[n % hum.length] : Math.sin((2 * Math.PI * this.#humHz * n) / sampleRate);
      mix[i] = this.#noise * (noiseAt(this.#seed, n) + noiseAt(this.#seed ^ 0x5bd1e995, n) - 1) + this.#hum * h;
    }
    this.#speaker?.mixInto(mix, firstSample, sampleRate, this.#gain);
    const out = new Int16Array(count);
    for (let i = 0; i < count; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i])));
    return out;
  }

  /**
   * One period of the hum, when a whole number of samples makes one (50 Hz at 16 kHz: 320).
   * Math.sin of a growing phase costs most of a capture (12 hours of 16 kHz audio are 691
   * million samples); the table's values differ from it only in the last bits, which has not
   * changed one rounded sample over an hour of audio for three seeds (checked when it came in).
   */
  #humCycle(sampleRate: number): Float64Array | undefined {
    if (this.#cycle?.rate === sampleRate) return this.#cycle.values;
    const period = sampleRate / this.#humHz;
    if (!Number.isInteger(period) || period > 1 << 16) return undefined;
    const values = new Float64Array(period);
    for (let i = 0; i < period; i++) values[i] = Math.sin((2 * Math.PI * this.#humHz * i) / sampleRate);
    this.#cycle = { rate: sampleRate, values };
    return values;
  }
}

/** A uniform value in [0, 1) that depends only on (seed, n): a 32-bit integer hash. */
function noiseAt(seed: number, n: number): number {
  let z = (Math.imul(n | 0, 0x9e3779b1) ^ seed ^ Math.floor(n / 4294967296)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
}
