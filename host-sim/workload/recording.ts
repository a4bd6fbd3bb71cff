// A recording's media stream, paced in virtual time: camera frames, audio chunks and GNSS
// fixes at a media profile's rates, written through the evidence store. Until the camera
// and microphone models exist, payloads are deterministic filler of the profile's sizes;
// the store neither knows nor cares what the bytes are.
import type { EvidenceStore } from '../../firmware/core/storage';
import { Random } from '../random';
import type { VirtualClock } from '../time/virtual-clock';

export interface MediaProfile {
  name: string;
  frameIntervalMs: number;
  /** Mean JPEG frame size; frames vary ±25 % around it. */
  frameBytes: number;
  width: number;
  height: number;
  audioChunkMs: number;
  sampleRate: number;
  gnssIntervalMs: number;
}

/**
 * 320×240 at 3 fps (~5 KB JPEG) with 16 kHz mono audio: ~47 KB/s. NOR with 4 KB erases
 * takes at most ~78 KB/s (FACTS: 45 ms per 4 KB erase, 0.4 ms per 256 B page), and the
 * flash must stay idle part of the time for bursts (npm run bench measures it).
 */
export const DEFAULT_PROFILE: MediaProfile = {
  name: 'qvga-3-16k',
  frameIntervalMs: 333,
  frameBytes: 5000,
  width: 320,
  height: 240,
  audioChunkMs: 500,
  sampleRate: 16000,
  gnssIntervalMs: 1000,
};

/** 640×480 at 10 fps (~30 KB JPEG) with 16 kHz mono audio: ~330 KB/s, the card's profile (firmware/main.ts VGA_PROFILE). */
export const VGA_PROFILE: MediaProfile = {
  name: 'vga-10-16k',
  frameIntervalMs: 100,
  frameBytes: 30_000,
  width: 640,
  height: 480,
  audioChunkMs: 500,
  sampleRate: 16000,
  gnssIntervalMs: 1000,
};

export class RecordingStream {
  readonly profile: MediaProfile;
  readonly #rng: Random;
  #frame = 0;
  #sample = 0;
  #nextFrame = 0;
  #nextAudio = 0;
  #nextFix = 0;
  #started = false;
  /** Evidence bytes handed to the store (payload bytes of media records). */
  payloadBytes = 0;

  constructor(profile: MediaProfile = DEFAULT_PROFILE, seed = 1) {
    this.profile = profile;
    this.#rng = new Random(seed);
  }

  /** Runs the stream for `ms` of virtual time (the first run starts it), writing every record due; store.tick() between. */
  run(store: EvidenceStore, clock: VirtualClock, ms: number): void {
    const p = this.profile;
    if (!this.#started) {
      this.#started = true;
      this.#nextFrame = this.#nextFix = clock.mono();
      this.#nextAudio = clock.mono() + p.audioChunkMs;
    }
    const until = clock.mono() + ms;
    for (;;) {
      // Frames and fixes are taken at their instant, within [start, until); an audio chunk
      // is delivered when its span ends, so the one ending at `until` belongs to this run.
      const frame = this.#nextFrame < until ? this.#nextFrame : Infinity;
      const fix = this.#nextFix < until ? this.#nextFix : Infinity;
      const audio = this.#nextAudio <= until ? this.#nextAudio : Infinity;
      const next = Math.min(frame, fix, audio);
      if (next === Infinity) break;
      if (next > clock.mono()) clock.advance(next - clock.mono());
      if (next === this.#nextAudio) {
        const samples = (p.sampleRate * p.audioChunkMs) / 1000;
        const data = this.#rng.bytes(samples * 2);
        store.media('audio-chunk', { firstSample: this.#sample, sampleRate: p.sampleRate, channels: 1, bitsPerSample: 16, encoding: 'lpcm-le', samples: data });
        this.#sample += samples;
        this.payloadBytes += data.length;
        this.#nextAudio += p.audioChunkMs;
      } else if (next === this.#nextFrame) {
        const size = Math.round(p.frameBytes * (0.75 + 0.5 * this.#rng.next()));
        const image = this.#rng.bytes(size);
        store.media('video-frame', { frame: this.#frame++, width: p.width, height: p.height, format: 'jpeg', image });
        this.payloadBytes += image.length;
        this.#nextFrame += p.frameIntervalMs;
      } else {
        store.media('gnss-fix', { latitude: 249016000, longitude: 1046040000, altitude: 150000, speed: 1200, heading: 9000, satellites: 11, hdop: 90, quality: 'gps', utc: clock.wall() ?? 0 });
        this.#nextFix += p.gnssIntervalMs;
      }
      store.tick();
    }
    if (until > clock.mono()) clock.advance(until - clock.mono());
    store.tick();
  }
}
