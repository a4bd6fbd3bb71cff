// The host's "embedded:io/audio/in": ECMA-419 AudioIn over the simulated board's microphone.
// Like an I2S/PDM driver, it collects a DMA block of samples every `blockDuration` ms of
// virtual time into a bounded buffer and calls onReadable(bytes available) with a single
// argument, as Moddable's ESP32 AudioIn does. Sample n (counted from virtual time 0) is heard
// at n / sampleRate s, so what the microphone hears lines up with what the speaker played.
//
// Host-only options: `blockDuration` (ms per DMA block, default 20) and `bufferSamples`
// (capacity, default one second). When the script falls behind, the oldest samples are lost
// (counted in the host-only `lostSamples`); a device sees the loss as fewer samples than
// elapsed time. A microphone fault (the part throws) reaches onError and stops capture; a
// silent microphone (no samples) delivers nothing.
import { currentBoard } from '../board/current';
import type { MicrophonePart, SimBoard } from '../board/sim-board';
import type { TimerHandle } from '../time/scheduler';
import { bytesOf } from '../bytes-of';
import { checkAudioStream, type AudioStreamOptions } from './audio-format';
import { Int16Ring } from './int16-ring';

export interface AudioInOptions extends AudioStreamOptions {
  onReadable?: (this: AudioIn, byteLength: number) => void;
  onError?: (this: AudioIn, error: Error) => void;
}

export default class AudioIn {
  target: unknown;
  readonly sampleRate: number;
  readonly bitsPerSample = 16 as const;
  readonly channels = 1 as const;
  readonly audioType = 'LPCM' as const;
  readonly #board: SimBoard;
  readonly #part: MicrophonePart;
  readonly #ring: Int16Ring;
  readonly #block: number;
  readonly #onReadable: AudioInOptions['onReadable'];
  readonly #onError: AudioInOptions['onError'];
  #timer: TimerHandle | undefined;
  /** Absolute index of the next sample to capture. */
  #next = 0;
  #closed = false;

  constructor(options: AudioInOptions) {
    const { sampleRate, blockMs } = checkAudioStream(options, 'microphone', 20);
    this.sampleRate = sampleRate;
    this.#board = currentBoard();
    const part = this.#board.microphone;
    if (!part) throw new Error('no microphone on the simulated board');
    this.#part = part;
    this.#ring = new Int16Ring(options.bufferSamples ?? this.sampleRate);
    this.#block = blockMs;
    this.#onReadable = options.onReadable;
    this.#onError = options.onError;
    this.target = options.target;
  }

  get format(): 'buffer' {
    return 'buffer';
  }
  set format(value: 'buffer') {
    this.#check();
    if (value !== 'buffer') throw new RangeError('format must be "buffer"');
  }

  /** Host-only: samples lost to overflow since construction. */
  get lostSamples(): number {
    return this.#ring.lost;
  }

  start(): void {
    this.#check();
    if (this.#timer) return;
    this.#next = this.#sampleAt(this.#board.scheduler.now());
    this.#timer = this.#board.scheduler.set(() => this.#collect(), this.#block, this.#block);
  }

  stop(options?: { flush?: boolean }): void {
    this.#check();
    this.#halt();
    if (options?.flush) this.#ring.clear();
  }

  /** read(n): a new ArrayBuffer of up to n bytes (whole samples); read(buffer): fills it, returns bytes. */
  read(byteLength?: number): ArrayBuffer | undefined;
  read(buffer: ArrayBuffer | ArrayBufferView): number;
  read(arg?: number | ArrayBuffer | ArrayBufferView): ArrayBuffer | number | undefined {
    this.#check();
    if (arg === undefined || typeof arg === 'number') {
      const want = Math.floor((arg ?? this.#ring.length * 2) / 2);
      if (this.#ring.length === 0 || want <= 0) return undefined;
      const out = new Int16Array(Math.min(want, this.#ring.length));
      this.#ring.take(out);
      return out.buffer;
    }
    const target = bytesOf(arg);
    const n = Math.min(Math.floor(target.byteLength / 2), this.#ring.length);
    const samples = new Int16Array(n);
    this.#ring.take(samples);
    target.set(new Uint8Array(samples.buffer), 0);
    return n * 2;
  }

  close(): void {
    if (this.#closed) return;
    this.#halt();
    this.#closed = true;
  }

  #collect(): void {
    const due = this.#sampleAt(this.#board.scheduler.now());
    const count = due - this.#next;
    if (count <= 0) return;
    let samples: Int16Array;
    try {
      samples = this.#part.capture(this.#next, count, this.sampleRate);
    } catch (e) {
      this.#halt();
      this.#onError?.call(this, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.#next = due;
    if (samples.length === 0) return;
    this.#ring.push(samples);
    this.#onReadable?.call(this, this.#ring.length * 2);
  }

  #sampleAt(ms: number): number {
    return Math.floor((ms * this.sampleRate) / 1000);
  }

  #halt(): void {
    this.#board.scheduler.clear(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    if (this.#closed) throw new Error('closed');
  }
}
