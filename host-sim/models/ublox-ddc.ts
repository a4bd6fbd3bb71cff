// A u-blox receiver's DDC port (I2C target, address 0x42) in front of the GNSS receiver
// model, which keeps generating the NMEA: the port takes its output stream (what the model
// would have put on the UART, at the same pace) into the DDC buffer the host polls.
//
// As u-blox documents DDC (SAM-M10Q integration manual UBX-22020019 R01 §2.3.2; u-blox 6
// receiver description §4.3):
// - a one-byte write sets the register pointer; a write of two or more bytes is a message
//   to the receiver (the model counts and ignores it); an empty write is an address probe;
// - each byte read returns the register at the pointer, which then moves on, except that it
//   stays at 0xFF, the highest register; it starts at 0xFF, so reads with no register set
//   read the stream;
// - 0xFD/0xFE: the bytes waiting, big-endian (taken when the transaction starts, so the two
//   halves agree); 0xFF: the next byte waiting, or 0xFF when none; 0x00-0xFC: reserved
//   (read as 0 here: not documented);
// - the buffer holds 4 KB; output that does not fit is lost;
// - the stream starts only once the host has addressed the receiver, and stops when it has
//   not been addressed for 1.5 s (output then is lost), until it is addressed again.
// Simplification: the real receiver drops whole messages when full; this model drops the
// bytes that do not fit (the NMEA assembler then sees a sentence cut short).
import type { I2cTarget, SerialPart } from '../board/sim-board';
import type { Scheduler } from '../time/scheduler';

export const UBLOX_DDC_ADDRESS = 0x42;
export const DDC_BUFFER_BYTES = 4096;
export const DDC_TIMEOUT_MS = 1500;

export interface UbloxDdcOptions {
  /** The receiver model whose output stream this port carries (GnssReceiver). */
  receiver: SerialPart;
  scheduler: Scheduler;
  bufferBytes?: number;
  timeoutMs?: number;
}

export class UbloxDdc implements I2cTarget {
  readonly receiver: SerialPart;
  /** Output bytes lost: the stream stopped (timeout, never addressed) or the buffer full. */
  lostStopped = 0;
  lostFull = 0;
  /** Bytes the host wrote as messages to the receiver. */
  messageBytes = 0;
  /** Most bytes ever waiting at once (the buffer's high-water mark). */
  highWater = 0;
  readonly #scheduler: Scheduler;
  readonly #capacity: number;
  readonly #timeout: number;
  readonly #buffer: Uint8Array;
  #head = 0;
  #count = 0;
  #pointer = 0xff;
  #latched = 0;
  #inTransaction = false;
  #lastAddressed = -Infinity;
  #everAddressed = false;
  #failing = false;

  constructor(options: UbloxDdcOptions) {
    this.receiver = options.receiver;
    this.#scheduler = options.scheduler;
    this.#capacity = options.bufferBytes ?? DDC_BUFFER_BYTES;
    this.#timeout = options.timeoutMs ?? DDC_TIMEOUT_MS;
    this.#buffer = new Uint8Array(this.#capacity);
    this.receiver.toDevice = (data) => this.#output(data);
  }

  /** Bytes waiting in the DDC buffer. */
  get waiting(): number {
    return this.#count;
  }

  /** The port stops acknowledging (a broken line, the module browned out) or answers again. */
  fail(failing: boolean): void {
    this.#failing = failing;
  }

  write(data: Uint8Array, stop: boolean): void {
    this.#begin();
    if (data.length === 1) this.#pointer = data[0];
    else if (data.length > 1) {
      this.messageBytes += data.length;
      this.receiver.fromDevice(data);
    }
    if (stop) this.#inTransaction = false;
  }

  read(length: number, stop: boolean): Uint8Array {
    this.#begin();
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const p = this.#pointer;
      if (p === 0xff) {
        out[i] = this.#take();
        continue;
      }
      out[i] = p === 0xfd ? this.#latched >> 8 : p === 0xfe ? this.#latched & 0xff : 0;
      this.#pointer = p + 1;
    }
    if (stop) this.#inTransaction = false;
    return out;
  }

  /** A START addressed to the port: it answers (or not), and its stream runs from now. */
  #begin(): void {
    if (this.#failing) throw new Error('no ACK');
    const now = this.#scheduler.now();
    this.#lastAddressed = now;
    if (!this.#everAddressed) {
      this.#everAddressed = true;
      // The module is running when the host first talks to it (after a power cut it restarts).
      this.receiver.connected?.(true);
    }
    if (this.#inTransaction) return;
    this.#inTransaction = true;
    this.#latched = Math.min(this.#count, 0xfffe);
  }

  #output(data: Uint8Array): void {
    if (!this.#everAddressed || this.#scheduler.now() - this.#lastAddressed > this.#timeout) {
      this.lostStopped += data.length;
      return;
    }
    const fits = Math.min(data.length, this.#capacity - this.#count);
    for (let i = 0; i < fits; i++) this.#buffer[(this.#head + this.#count + i) % this.#capacity] = data[i];
    this.#count += fits;
    this.lostFull += data.length - fits;
    if (this.#count > this.highWater) this.highWater = this.#count;
  }

  #take(): number {
    if (this.#count === 0) return 0xff;
    const b = this.#buffer[this.#head];
    this.#head = (this.#head + 1) % this.#capacity;
    this.#count--;
    return b;
  }
}
