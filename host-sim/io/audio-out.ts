// The host's "embedded:io/audio/out": ECMA-419 AudioOut over the simulated board's speaker.
// Written samples wait in a bounded queue and come out at the pace of sampleRate on the
// virtual clock: the speaker is handed samples one DMA block (`blockDuration` ms) ahead,
// stamped with the virtual time each block's first sample is heard; every block
// onWritable(bytes free) is called. When the queue runs dry the output idles; the next write
// starts again at once.
//
// Host-only options: `blockDuration` (ms, default 16) and `bufferSamples` (queue capacity,
// default 4096 = 256 ms at 16 kHz). write() throws rather than writing part of a buffer.
// A speaker fault (the part throws) reaches onError and stops output.
import { currentBoard } from '../board/current';
import type { SimBoard, SpeakerPart } from '../board/sim-board';
import type { TimerHandle } from '../time/scheduler';
import { bytesOf } from '../bytes-of';
import { checkAudioStream, type AudioStreamOptions } from './audio-format';
import { Int16Ring } from './int16-ring';

export interface AudioOutOptions extends AudioStreamOptions {
  volume?: number;
  onWritable?: (this: AudioOut, byteLength: number) => void;
  onError?: (this: AudioOut, error: Error) => void;
}

export default class AudioOut {
  target: unknown;
  readonly sampleRate: number;
  readonly bitsPerSample = 16 as const;
  readonly channels = 1 as const;
  readonly audioType = 'LPCM' as const;
  readonly #board: SimBoard;
  readonly #part: SpeakerPart;
  readonly #queue: Int16Ring;
  readonly #block: number;
  readonly #onWritable: AudioOutOptions['onWritable'];
  readonly #onError: AudioOutOptions['onError'];
  #volume = 1;
  #timer: TimerHandle | undefined;
  /** Virtual time (ms, fractional) at which the next queued sample will be heard. */
  #playhead = 0;
  #closed = false;

  constructor(options: AudioOutOptions = {}) {
    const { sampleRate, blockMs } = checkAudioStream(options, 'speaker', 16);
    this.sampleRate = sampleRate;
    this.#board = currentBoard();
    const part = this.#board.speaker;
    if (!part) throw new Error('no speaker on the simulated board');
    this.#part = part;
    this.#queue = new Int16Ring(options.bufferSamples ?? 4096);
    this.#block = blockMs;
    if (options.volume !== undefined) this.volume = options.volume;
    this.#onWritable = options.onWritable;
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

  get volume(): number {
    return this.#volume;
  }
  set volume(value: number) {
    this.#check();
    if (!(value >= 0 && value <= 1)) throw new RangeError('volume must be 0…1');
    this.#volume = value;
  }

  start(): void {
    this.#check();
    if (this.#timer) return;
    this.#playhead = this.#board.scheduler.now();
    this.#timer = this.#board.scheduler.set(() => this.#play(), this.#block, this.#block);
    // Output begins now with whatever is queued; then the script hears how much fits
    // (deferred: never from inside start()).
    this.#board.scheduler.set(() => {
      if (this.#timer) this.#play();
    }, 0);
  }

  stop(options?: { flush?: boolean }): void {
    this.#check();
    this.#halt();
    if (options?.flush) this.#queue.clear();
  }

  /** Queues whole 16-bit samples; throws if they do not all fit. */
  write(buffer: ArrayBuffer | ArrayBufferView): void {
    this.#check();
    const bytes = bytesOf(buffer);
    if (bytes.byteLength % 2) throw new RangeError('write: odd byte count (16-bit samples)');
    const n = bytes.byteLength / 2;
    if (n > this.#queue.free) throw new Error('write: no room (wait for onWritable)');
    const samples = new Int16Array(n);
    new Uint8Array(samples.buffer).set(bytes);
    const now = this.#board.scheduler.now();
    if (this.#queue.length === 0 && this.#playhead < now) this.#playhead = now;
    this.#queue.push(samples);
    if (!this.#timer) return;
    const error = this.#feed();
    if (error) {
      this.#halt();
      this.#board.scheduler.set(() => this.#onError?.call(this, error), 0);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#halt();
    this.#queue.clear();
    this.#closed = true;
  }

  /** Every DMA block: hand the speaker what is due, then report the room. */
  #play(): void {
    const error = this.#feed();
    if (error) {
      this.#halt();
      this.#onError?.call(this, error);
      return;
    }
    this.#onWritable?.call(this, this.#queue.free * 2);
  }

  /**
   * Hands the speaker the queued samples due before one block from now, stamped with the
   * times they will be heard: like an I2S DMA buffer, the output always runs a block ahead,
   * so anything listening at a time finds what the speaker emits then.
   */
  #feed(): Error | undefined {
    const horizon = this.#board.scheduler.now() + this.#block;
    const due = Math.min(this.#queue.length, Math.ceil(((horizon - this.#playhead) * this.sampleRate) / 1000));
    if (due <= 0) return undefined;
    const samples = new Int16Array(due);
    this.#queue.take(samples);
    if (this.#volume !== 1) for (let i = 0; i < due; i++) samples[i] = Math.round(samples[i] * this.#volume);
    try {
      this.#part.play(samples, this.sampleRate, this.#playhead);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
    this.#playhead += (due * 1000) / this.sampleRate;
    return undefined;
  }

  #halt(): void {
    this.#board.scheduler.clear(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    if (this.#closed) throw new Error('closed');
  }
}
