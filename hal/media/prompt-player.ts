// Plays a stored prompt through the speaker (AudioOut) and reports when the last sample has
// been heard, or why it could not be. The clip's bytes are handed to the driver as views:
// nothing is copied. The output is opened per prompt and closed after, freeing the I2S port.
import AudioOut from "embedded:io/audio/out";
import Time from "time";
import Timer from "timer";
import { type Clip, clipDurationMs, clipSampleCount } from "./clip";

export interface PromptPlayed {
  startTicks: number;
  endTicks: number;
  sampleCount: number;
  sampleRate: number;
}

export interface PromptPlayerOptions {
  /** Output volume 0…1 (default 1). */
  volume?: number;
  onDone(played: PromptPlayed): void;
  onFailed(reason: string): void;
  /** Allowance beyond the clip's duration before playback counts as stuck (ms, default 2000). */
  slack?: number;
}

type AudioOutOptions = NonNullable<ConstructorParameters<typeof AudioOut>[0]>;
/** The parts of Moddable's AudioOut its typing omits: close() (IO base pattern). */
type Output = AudioOut & { close(): void };

export class PromptPlayer {
  readonly #options: PromptPlayerOptions;
  #out: Output | undefined;
  #deadline: ReturnType<typeof Timer.set> | undefined;

  constructor(options: PromptPlayerOptions) {
    this.#options = options;
  }

  get playing(): boolean {
    return this.#out !== undefined;
  }

  /** Starts playing; exactly one of onDone / onFailed follows (never from inside play()). */
  play(clip: Clip): void {
    if (this.#out) throw new Error("a prompt is already playing");
    const total = clipSampleCount(clip) * 2;
    const player = this;
    let written = 0;
    /** Largest free space reported: the queue's capacity, reported while it is empty. */
    let capacity = 0;
    let startTicks = 0;
    const audioOptions: AudioOutOptions & {
      onWritable(this: AudioOut, byteLength: number): void;
      onError?(this: AudioOut, error?: Error): void;
    } = {
      sampleRate: clip.sampleRate,
      bitsPerSample: 16,
      channels: 1,
      audioType: "LPCM",
      onWritable(free) {
        if (player.#out !== this) return;
        if (free > capacity) capacity = free;
        if (written === total && free >= capacity) {
          player.#finish();
          player.#options.onDone({ startTicks, endTicks: Time.ticks, sampleCount: total >> 1, sampleRate: clip.sampleRate });
          return;
        }
        const n = Math.min(free, total - written) & ~1;
        if (n > 0) {
          this.write(new Uint8Array(clip.samples, written, n));
          written += n;
        }
      },
      onError(error) {
        if (player.#out === this) player.#fail("speaker error: " + (error?.message ?? "unknown"));
      },
    };
    let out: Output;
    try {
      out = new AudioOut(audioOptions) as Output;
      if (this.#options.volume !== undefined) out.volume = this.#options.volume;
      this.#out = out;
      startTicks = Time.ticks;
      out.start();
    } catch (e) {
      const reason = "speaker unavailable: " + (e as Error).message;
      this.#finish();
      Timer.set(() => this.#options.onFailed(reason), 0);
      return;
    }
    this.#deadline = Timer.set(() => {
      this.#deadline = undefined;
      this.#fail("prompt did not finish playing");
    }, Math.ceil(clipDurationMs(clip)) + (this.#options.slack ?? 2000));
  }

  /** Stops a prompt early. No callback follows: the caller knows why it stopped. */
  cancel(): void {
    this.#finish();
  }

  #fail(reason: string): void {
    this.#finish();
    this.#options.onFailed(reason);
  }

  #finish(): void {
    Timer.clear(this.#deadline);
    this.#deadline = undefined;
    const out = this.#out;
    this.#out = undefined;
    if (out) {
      out.stop();
      out.close();
    }
  }
}
