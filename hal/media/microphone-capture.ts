// Audio capture: the microphone's 16-bit mono LPCM in chunks of a fixed duration, each with
// the index of its first sample since capture started. Samples the driver lost (a reader
// that fell behind) are detected against the clock and reported as a gap, so indexes keep
// matching time. Chunks are the driver's own buffers: nothing is copied here.
import AudioIn from "embedded:io/audio/in";
import Time from "time";
import Timer from "timer";

export interface AudioChunk {
  /** Index of the chunk's first sample; sample 0 is the first one captured after start(). */
  firstSample: number;
  /** 16-bit little-endian mono LPCM; chunkMs long (the last one, at stop(), may be shorter). */
  samples: ArrayBuffer;
}

export interface MicrophoneCaptureOptions {
  sampleRate: number;
  /** Chunk duration in ms; sampleRate × chunkMs / 1000 must be whole. */
  chunkMs: number;
  onChunk(chunk: AudioChunk): void;
  /** `lost` samples starting at index `firstSample` never arrived. */
  onGap?(firstSample: number, lost: number): void;
  /** The microphone failed or went silent; capture has stopped. */
  onFault(reason: string): void;
  /** No data for this long (ms) is a fault (default 1000). */
  stallTimeout?: number;
}

type AudioInOptions = ConstructorParameters<typeof AudioIn>[0];

export class MicrophoneCapture {
  readonly sampleRate: number;
  readonly chunkSamples: number;
  readonly #audio: AudioIn;
  readonly #options: MicrophoneCaptureOptions;
  readonly #stallTimeout: number;
  /** A loss smaller than this is driver latency, not a gap. */
  readonly #tolerance: number;
  #watchdog: ReturnType<typeof Timer.set> | undefined;
  #startTicks = 0;
  #lastDataTicks = 0;
  /** Index of the next sample to deliver. */
  #next = 0;
  /** Bytes the driver holds, from its last onReadable less what was read since. */
  #available = 0;
  #running = false;

  constructor(options: MicrophoneCaptureOptions) {
    const chunkSamples = (options.sampleRate * options.chunkMs) / 1000;
    if (!(Number.isInteger(chunkSamples) && chunkSamples > 0)) throw new RangeError("sampleRate × chunkMs / 1000 must be a whole number of samples");
    this.sampleRate = options.sampleRate;
    this.chunkSamples = chunkSamples;
    this.#options = options;
    this.#stallTimeout = options.stallTimeout ?? 1000;
    this.#tolerance = Math.max(chunkSamples, options.sampleRate / 5);
    const capture = this;
    // onError is the IO pattern's fault callback; Moddable's AudioIn typing omits it.
    const audioOptions: AudioInOptions & { onError?(this: AudioIn, error?: Error): void } = {
      sampleRate: options.sampleRate,
      bitsPerSample: 16,
      channels: 1,
      audioType: "LPCM",
      onReadable(byteLength) {
        capture.#readable(byteLength);
      },
      onError(error) {
        capture.#fault("microphone error: " + (error?.message ?? "unknown"));
      },
    };
    this.#audio = new AudioIn(audioOptions);
  }

  /** Index the next chunk will start at (samples delivered plus gaps). */
  get nextSample(): number {
    return this.#next;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startTicks = this.#lastDataTicks = Time.ticks;
    this.#next = 0;
    this.#available = 0;
    this.#audio.start();
    this.#watchdog = Timer.repeat(() => {
      if (Time.delta(this.#lastDataTicks) >= this.#stallTimeout) this.#fault("microphone stalled: no samples for " + this.#stallTimeout + " ms");
    }, Math.max(10, this.#stallTimeout >> 2));
  }

  /** Stops; what the driver still holds is delivered as a last, shorter chunk. */
  stop(): void {
    if (!this.#running) return;
    this.#halt();
    if (this.#available >= 2) this.#deliver(this.#available & ~1);
    this.#available = 0;
  }

  close(): void {
    if (this.#running) this.#halt();
    this.#audio.close();
  }

  #readable(byteLength: number): void {
    if (!this.#running) return;
    const now = Time.ticks;
    this.#lastDataTicks = now;
    this.#available = byteLength;
    const heard = this.#next + (byteLength >> 1);
    const expected = Math.floor((Time.delta(this.#startTicks, now) * this.sampleRate) / 1000);
    if (expected - heard > this.#tolerance) {
      // The driver dropped its oldest samples: they belong right after what was delivered.
      const lost = expected - heard;
      this.#options.onGap?.(this.#next, lost);
      this.#next += lost;
    }
    const chunkBytes = this.chunkSamples * 2;
    while (this.#running && this.#available >= chunkBytes) this.#deliver(chunkBytes);
  }

  #deliver(byteLength: number): void {
    const samples = this.#audio.read(byteLength);
    if (!samples) return;
    this.#available -= samples.byteLength;
    const firstSample = this.#next;
    this.#next += samples.byteLength >> 1;
    this.#options.onChunk({ firstSample, samples });
  }

  #halt(): void {
    this.#running = false;
    Timer.clear(this.#watchdog);
    this.#watchdog = undefined;
    this.#audio.stop();
  }

  #fault(reason: string): void {
    if (!this.#running) return;
    this.#halt();
    this.#options.onFault(reason);
  }
}
