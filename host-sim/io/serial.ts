// The host's "embedded:io/serial": ECMA-419 Serial as Moddable's ESP32 implementation behaves
// (modules/io/serial/esp32/serial.c). That implementation installs no ESP-IDF driver and no
// ring buffer: read() takes bytes straight from the UART's 128-byte hardware receive FIFO,
// so bytes arriving while it is full are lost (counted in the host-only `lostBytes`).
// onReadable(bytesAvailable) follows the FIFO interrupts, which arriving bytes raise: "full"
// at the threshold, or a timeout after 4 idle character times; the interrupt is off from
// then until the callback has run or read() was called, and the callback is queued on the
// scheduler, never run inside a method. Writes go into the 128-byte transmit FIFO, which drains at the baud
// rate; the part receives each write when its last byte is on the wire. Defaults as on the
// device: port 0, format "number"; a second instance on a port throws "port in use".
import { bytesOf } from '../bytes-of';
import { currentBoard } from '../board/current';
import type { SerialPart, SimBoard } from '../board/sim-board';
import type { TimerHandle } from '../time/scheduler';

type ByteBuffer = ArrayBuffer | ArrayBufferView;
type Format = 'number' | 'buffer';

export interface SerialOptions {
  receive?: number;
  transmit?: number;
  baud: number;
  port?: number;
  format?: Format;
  target?: unknown;
  onReadable?: (this: Serial, bytesAvailable: number) => void;
  onWritable?: (this: Serial, bytesFree: number) => void;
}

/** ESP32-S3: UART0…UART2, 128-byte FIFOs. */
const PORTS = 3;
export const FIFO_LENGTH = 128;
/** UART_RXFIFO_FULL_THRHD reset value (0x60): Moddable does not change it. */
export const RX_FULL_THRESHOLD = 96;
/** uart_set_rx_timeout(uart, 4): character times of idle line before the timeout interrupt. */
const RX_TIMEOUT_CHARACTERS = 4;
/** Moddable's kTransmitTreshold: onWritable when the transmit FIFO holds this few bytes. */
const TX_EMPTY_THRESHOLD = 10;
/** 8N1: a start bit, 8 data bits, a stop bit. */
const BITS_PER_CHARACTER = 10;

interface Claims {
  ports: Set<number>;
  pins: Set<number>;
}
const claims = new WeakMap<SimBoard, Claims>();

export default class Serial {
  target: unknown;
  readonly #board: SimBoard;
  readonly #port: number;
  readonly #pins: number[];
  readonly #part: SerialPart | undefined;
  readonly #listener: ((data: Uint8Array) => void) | undefined;
  readonly #onReadable: SerialOptions['onReadable'];
  readonly #onWritable: SerialOptions['onWritable'];
  /** ms per character at this baud. */
  readonly #characterMs: number;
  #format: Format;
  readonly #rx = new Uint8Array(FIFO_LENGTH);
  #rxHead = 0;
  #rxCount = 0;
  #lost = 0;
  /** The receive interrupt is enabled (it is off between firing and the callback or a read). */
  #rxArmed: boolean;
  #rxTimeout: TimerHandle | undefined;
  #rxPost: TimerHandle | undefined;
  /** Virtual time at which the transmit FIFO is empty. */
  #txEmptyAt = 0;
  #txArmed: boolean;
  #txPost: TimerHandle | undefined;
  readonly #txTimers = new Set<TimerHandle>();
  #closed = false;

  constructor(options: SerialOptions) {
    const { receive, transmit } = options;
    if (receive === undefined && transmit === undefined) throw new Error('invalid');
    const port = options.port === undefined ? 0 : Math.trunc(Number(options.port));
    if (!(port >= 0 && port < PORTS)) throw new RangeError('invalid port');
    const baud = Math.trunc(Number(options.baud));
    if (!(baud > 0 && baud <= 20_000_000)) throw new RangeError('invalid baud');
    const format = options.format ?? 'number';
    if (format !== 'number' && format !== 'buffer') throw new RangeError('invalid format');
    for (const cb of [options.onReadable, options.onWritable]) if (cb !== undefined && typeof cb !== 'function') throw new TypeError('callback must be a function');

    const board = currentBoard();
    let c = claims.get(board);
    if (!c) claims.set(board, (c = { ports: new Set(), pins: new Set() }));
    const pins = [receive, transmit].filter((p): p is number => p !== undefined);
    for (const p of pins) if (c.pins.has(p)) throw new Error('in use');
    if (c.ports.has(port)) throw new RangeError('port in use');
    c.ports.add(port);
    for (const p of pins) c.pins.add(p);

    this.#board = board;
    this.#port = port;
    this.#pins = pins;
    this.#format = format;
    this.#characterMs = (BITS_PER_CHARACTER * 1000) / baud;
    this.#onReadable = receive !== undefined ? options.onReadable : undefined;
    this.#onWritable = transmit !== undefined ? options.onWritable : undefined;
    this.#rxArmed = this.#onReadable !== undefined;
    this.#txArmed = this.#onWritable !== undefined;
    this.target = options.target;

    // No part on the port: the line is idle and nothing is ever received.
    this.#part = board.serial.get(port);
    if (this.#part && receive !== undefined) {
      this.#listener = (data) => this.#receive(data);
      this.#part.toDevice = this.#listener;
    }
    this.#part?.connected?.(true);
    // The transmit FIFO starts empty: the "empty" interrupt fires at once.
    if (this.#txArmed) this.#armWritable();
  }

  get format(): Format {
    this.#check();
    return this.#format;
  }

  set format(value: Format) {
    this.#check();
    if (value !== 'number' && value !== 'buffer') throw new RangeError('unimplemented');
    this.#format = value;
  }

  /** Host-only diagnostic: bytes that arrived while the receive FIFO was full. */
  get lostBytes(): number {
    return this.#lost;
  }

  /**
   * Never waits. "number": one byte or undefined. "buffer": read() → everything available,
   * read(n) → up to n bytes (n > 0), read(buffer) → the count filled; undefined when empty.
   */
  read(target?: number | ByteBuffer): number | ArrayBuffer | undefined {
    this.#check();
    if (this.#rxCount === 0) return undefined;
    let result: number | ArrayBuffer;
    if (this.#format === 'number') {
      result = this.#take(1)[0];
    } else if (target === undefined) {
      result = this.#take(this.#rxCount).buffer as ArrayBuffer;
    } else if (typeof target === 'number') {
      const n = Math.trunc(target);
      if (!(n > 0)) throw new Error('invalid');
      result = this.#take(Math.min(n, this.#rxCount)).buffer as ArrayBuffer;
    } else {
      const into = bytesOf(target);
      if (into.byteLength === 0) throw new Error('invalid');
      const got = this.#take(Math.min(into.byteLength, this.#rxCount));
      into.set(got);
      result = got.length;
    }
    if (this.#onReadable) this.#enableRx();
    return result;
  }

  /** "number": one byte; "buffer": all of it or nothing — throws "output full" when it does not fit. */
  write(value: number | ByteBuffer): void {
    this.#check();
    const free = this.#txFree();
    let bytes: Uint8Array;
    if (this.#format === 'number') {
      if (typeof value !== 'number') throw new TypeError('byte required');
      if (free === 0) throw new Error('output full');
      bytes = Uint8Array.of(value & 0xff);
    } else {
      if (typeof value === 'number') throw new TypeError('buffer required');
      bytes = bytesOf(value).slice();
      if (bytes.length > free) throw new Error('output full');
    }
    const now = this.#board.scheduler.now();
    this.#txEmptyAt = Math.max(this.#txEmptyAt, now) + bytes.length * this.#characterMs;
    const part = this.#part;
    const timer = this.#board.scheduler.set(() => {
      this.#txTimers.delete(timer);
      if (currentBoard() === this.#board) part?.fromDevice(bytes);
    }, Math.ceil(this.#txEmptyAt - now));
    this.#txTimers.add(timer);
    // The "empty" interrupt is level-triggered on the FIFO count: more bytes move it later.
    if (this.#onWritable) {
      this.#txArmed = true;
      this.#armWritable();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const s = this.#board.scheduler;
    for (const t of [this.#rxTimeout, this.#rxPost, this.#txPost, ...this.#txTimers]) s.clear(t);
    this.#txTimers.clear();
    if (this.#part && this.#part.toDevice === this.#listener) this.#part.toDevice = undefined;
    this.#part?.connected?.(false);
    const c = claims.get(this.#board);
    c?.ports.delete(this.#port);
    for (const p of this.#pins) c?.pins.delete(p);
  }

  /** Bytes from the part, arriving now. */
  #receive(data: Uint8Array): void {
    if (this.#closed || currentBoard() !== this.#board) return;
    const room = FIFO_LENGTH - this.#rxCount;
    const n = Math.min(room, data.length);
    this.#lost += data.length - n;
    for (let i = 0; i < n; i++) this.#rx[(this.#rxHead + this.#rxCount + i) % FIFO_LENGTH] = data[i];
    this.#rxCount += n;
    if (!this.#rxArmed || data.length === 0) return;
    if (this.#rxCount >= RX_FULL_THRESHOLD) this.#postReadable();
    else this.#restartTimeout();
  }

  #take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#rx[(this.#rxHead + i) % FIFO_LENGTH];
    this.#rxHead = (this.#rxHead + n) % FIFO_LENGTH;
    this.#rxCount -= n;
    return out;
  }

  #restartTimeout(): void {
    const s = this.#board.scheduler;
    const ms = Math.ceil(RX_TIMEOUT_CHARACTERS * this.#characterMs);
    if (this.#rxTimeout) s.schedule(this.#rxTimeout, ms);
    else
      this.#rxTimeout = s.set(() => {
        this.#rxTimeout = undefined;
        if (this.#rxArmed && this.#rxCount > 0) this.#postReadable();
      }, ms);
  }

  /** The receive interrupt fired: it stays off until the callback ran or a read. */
  #postReadable(): void {
    this.#rxArmed = false;
    this.#board.scheduler.clear(this.#rxTimeout);
    this.#rxTimeout = undefined;
    if (this.#rxPost) return;
    this.#rxPost = this.#board.scheduler.set(() => {
      this.#rxPost = undefined;
      if (this.#closed) return;
      if (this.#rxCount > 0) this.#onReadable!.call(this, this.#rxCount);
      if (!this.#closed) this.#enableRx();
    }, 0);
  }

  /**
   * Re-enabling clears the interrupt status first: the FIFO interrupts are raised by bytes
   * arriving, so bytes left unread wait for the next byte (or the idle timeout after it).
   */
  #enableRx(): void {
    this.#rxArmed = true;
  }

  #txFree(): number {
    const pending = Math.max(0, this.#txEmptyAt - this.#board.scheduler.now()) / this.#characterMs;
    return FIFO_LENGTH - Math.ceil(pending - 1e-9);
  }

  /** onWritable once the transmit FIFO has drained to the threshold. */
  #armWritable(): void {
    const s = this.#board.scheduler;
    const due = this.#txEmptyAt - TX_EMPTY_THRESHOLD * this.#characterMs;
    s.clear(this.#txPost);
    this.#txPost = s.set(() => {
      this.#txPost = undefined;
      this.#txArmed = false;
      if (this.#closed) return;
      const free = this.#txFree();
      if (free > 0) this.#onWritable!.call(this, free);
    }, Math.max(0, Math.ceil(due - s.now())));
  }

  #check(): void {
    if (this.#closed) throw new Error('closed');
  }
}

