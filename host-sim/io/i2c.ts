// The host's "embedded:io/i2c": ECMA-419 I2C as Moddable's ESP32 implementation behaves
// (modules/io/i2c/esp32/_i2c.c): the same option checks and error messages, read(n) → a new
// ArrayBuffer, read(buffer) → the byte count, a NACK throws "read failed"/"write failed",
// and a zero-length write is an address probe that returns 1 on NACK instead of throwing.
// It reaches its part on the simulated board by port and address; a part NACKs by throwing.
import { bytesOf } from '../bytes-of';
import { currentBoard } from '../board/current';
import type { I2cTarget, SimBoard } from '../board/sim-board';

type ByteBuffer = ArrayBuffer | ArrayBufferView;

export interface I2COptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
  format?: 'buffer';
  target?: unknown;
}

/** The ESP32-S3 has two I2C controllers. */
const PORTS = 2;

/** Open instances per board: Moddable refuses a second instance for the same pins and address. */
const open = new WeakMap<SimBoard, Set<I2C>>();

export default class I2C {
  target: unknown;
  readonly #board: SimBoard;
  readonly #data: number;
  readonly #clock: number;
  readonly #address: number;
  readonly #port: number;
  #closed = false;

  constructor(options: I2COptions) {
    if (!('data' in options)) throw new RangeError('data required');
    if (!('clock' in options)) throw new RangeError('clock required');
    if (!('address' in options)) throw new RangeError('address required');
    const address = Number(options.address);
    if (!Number.isInteger(address) || address < 0 || address > 127) throw new RangeError('invalid address');
    const hz = Math.trunc(Number(options.hz)) || 0;
    if (hz <= 0 || hz > 20_000_000) throw new RangeError('invalid hz');
    const port = options.port === undefined ? 0 : Math.trunc(Number(options.port));
    if (!(port >= 0 && port < PORTS)) throw new RangeError('invalid port');
    if (options.format !== undefined && options.format !== 'buffer') throw new RangeError('invalid format');

    this.#board = currentBoard();
    this.#data = Number(options.data);
    this.#clock = Number(options.clock);
    this.#address = address;
    this.#port = port;
    let instances = open.get(this.#board);
    if (!instances) open.set(this.#board, (instances = new Set()));
    for (const other of instances) {
      if (other.#data === this.#data && other.#clock === this.#clock && other.#address === address) throw new RangeError('duplicate address');
    }
    instances.add(this);
    this.target = options.target;
  }

  get format(): 'buffer' {
    this.#check();
    return 'buffer';
  }

  set format(value: 'buffer') {
    this.#check();
    if (value !== 'buffer') throw new RangeError('invalid format');
  }

  /** read(n) → a new ArrayBuffer of n bytes; read(buffer) fills it and returns its length. */
  read(byteLength: number, stop?: boolean): ArrayBuffer;
  read(buffer: ByteBuffer, stop?: boolean): number;
  read(target: number | ByteBuffer, stop = true): ArrayBuffer | number {
    this.#check();
    const into = typeof target === 'number' ? undefined : bytesOf(target);
    const length = into ? into.byteLength : Math.max(0, Math.trunc(target as number) || 0);
    const part = this.#part();
    let bytes: Uint8Array;
    try {
      if (!part) throw new Error('no ACK');
      bytes = part.read(length, stop);
    } catch (cause) {
      throw new Error('read failed', { cause });
    }
    if (bytes.length !== length) throw new Error(`I2C model returned ${bytes.length} bytes for a ${length}-byte read`);
    if (into) {
      into.set(bytes);
      return length;
    }
    return bytes.slice().buffer;
  }

  /** Writes the bytes; throws on NACK, except that an empty write (a probe) returns 1 then. */
  write(buffer: ByteBuffer, stop = true): number | undefined {
    this.#check();
    const bytes = bytesOf(buffer).slice();
    const part = this.#part();
    try {
      if (!part) throw new Error('no ACK');
      part.write(bytes, stop);
    } catch (cause) {
      if (bytes.length === 0) return 1;
      throw new Error('write failed', { cause });
    }
    return undefined;
  }

  /** Moddable's experimental combined transaction: write without stop, repeated start, read. */
  writeRead(buffer: ByteBuffer, byteLength: number): ArrayBuffer;
  writeRead(buffer: ByteBuffer, into: ByteBuffer): number;
  writeRead(buffer: ByteBuffer, target: number | ByteBuffer): ArrayBuffer | number {
    this.write(buffer, false);
    return typeof target === 'number' ? this.read(target, true) : this.read(target, true);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    open.get(this.#board)?.delete(this);
  }

  #part(): I2cTarget | undefined {
    return this.#board.i2c.get(this.#port)?.get(this.#address);
  }

  #check(): void {
    if (this.#closed) throw new Error('closed');
  }
}
