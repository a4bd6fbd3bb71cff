// The speaker's model: a timeline of what was played, each block of samples at the virtual
// time its first sample came out. The microphone model listens to it (loopback), so a
// recording contains what the device said.
import type { SpeakerPart } from '../board/sim-board';

/** One block of output: `samples` at `sampleRate`, the first heard at `atMs` (virtual ms, may be fractional). */
export interface PlayedBlock {
  atMs: number;
  sampleRate: number;
  samples: Int16Array;
}

export class RecordingSpeaker implements SpeakerPart {
  /** "error": the amplifier fails (play() throws). */
  fault: 'none' | 'error' = 'none';
  readonly timeline: PlayedBlock[] = [];

  play(samples: Int16Array, sampleRate: number, atMs: number): void {
    if (this.fault === 'error') throw new Error('speaker fault');
    if (samples.length === 0) return;
    this.timeline.push({ atMs, sampleRate, samples: samples.slice() });
  }

  /** Forgets the blocks that ended before `t` (the microphone hears only the present): for long runs. */
  forgetBefore(t: number): void {
    let k = 0;
    while (k < this.timeline.length && this.timeline[k].atMs + (this.timeline[k].samples.length * 1000) / this.timeline[k].sampleRate <= t) k++;
    this.timeline.splice(0, k);
  }

  /** Total samples played. */
  get sampleCount(): number {
    return this.timeline.reduce((n, b) => n + b.samples.length, 0);
  }

  /** Virtual time at which the first played sample came out, or undefined if nothing played. */
  get firstAtMs(): number | undefined {
    return this.timeline[0]?.atMs;
  }

  /** Every played sample in order, joined (blocks are contiguous when fed by one AudioOut without underrun). */
  joined(): Int16Array {
    const out = new Int16Array(this.sampleCount);
    let at = 0;
    for (const b of this.timeline) {
      out.set(b.samples, at);
      at += b.samples.length;
    }
    return out;
  }

  /**
   * Adds what the speaker emitted to `out`, scaled by `gain`: out[i] covers the instant of
   * sample (firstSample + i) at `sampleRate`, sample n being heard at n / sampleRate seconds of
   * virtual time. Played samples are matched by nearest time (the rates may differ).
   */
  mixInto(out: Float64Array, firstSample: number, sampleRate: number, gain: number): void {
    const startMs = (firstSample * 1000) / sampleRate;
    const endMs = ((firstSample + out.length) * 1000) / sampleRate;
    // Blocks are in time order: walk back from the newest until one ends before the window.
    for (let k = this.timeline.length - 1; k >= 0; k--) {
      const b = this.timeline[k];
      const blockEnd = b.atMs + (b.samples.length * 1000) / b.sampleRate;
      if (blockEnd <= startMs) break;
      if (b.atMs >= endMs) continue;
      const i0 = Math.max(0, Math.floor((b.atMs * sampleRate) / 1000) - firstSample - 1);
      const i1 = Math.min(out.length, Math.ceil((blockEnd * sampleRate) / 1000) - firstSample + 1);
      for (let i = i0; i < i1; i++) {
        const tMs = ((firstSample + i) * 1000) / sampleRate;
        const j = Math.round(((tMs - b.atMs) * b.sampleRate) / 1000);
        if (j >= 0 && j < b.samples.length) out[i] += gain * b.samples[j];
      }
    }
  }
}
