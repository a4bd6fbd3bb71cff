// The u-blox receiver's DDC (I2C) port as the byte stream the NMEA assembler reads, behind
// the same small interface as a UART (serial-io.ts): onReadable, read(), close().
//
// DDC, as u-blox documents it (e.g. SAM-M10Q integration manual UBX-22020019, §2.3.2):
// registers 0xFD/0xFE hold the number of bytes waiting (big-endian), 0xFF is the message
// stream (0xFF when nothing waits). The register pointer moves on after each byte read and
// stays at 0xFF, so writing 0xFD and reading two bytes leaves it on the stream: the bytes
// themselves then come by plain (current-address) reads. The receiver cannot interrupt,
// so the host polls.
//
// Why 250 ms: NMEA at the 9600-baud-equivalent rate is about 1 KB/s; the receiver buffers
// 4 KB for DDC (4 s of output), but stops its stream when the host has not addressed it for
// 1.5 s (the same manual). A 250 ms poll reads ~250 bytes at a time, addresses the receiver
// six times within that timeout and keeps the buffer under a sixteenth full; it adds at
// most 250 ms to a position's age, well inside the one-second epoch.
import Timer from "timer";
import type { I2cIo, I2cIoClass } from "../rtc/i2c-io";
import type { SerialIo } from "./serial-io";

export const UBLOX_DDC_ADDRESS = 0x42;

export const DdcRegister = {
  /** Bytes waiting, high byte; 0xFE is the low byte. */
  COUNT: 0xfd,
  /** The message stream. */
  STREAM: 0xff,
} as const;

export const DDC_POLL_MS = 250;
/** Bytes per read transaction: a bus error costs at most this much of a sentence. */
export const DDC_CHUNK = 128;

/** The `sensor` option of the GNSS class for a receiver on I2C: the I2C class and its options. */
export interface GnssDdcOptions {
  io: I2cIoClass;
  data: number;
  clock: number;
  hz?: number;
  address?: number;
  port?: number;
  /** ms between polls of the byte count (default 250). */
  pollMs?: number;
}

export interface DdcSourceOptions extends GnssDdcOptions {
  /** Bytes were read (or a poll failed: read() then throws its error). */
  onReadable: (this: SerialIo, bytes: number) => void;
}

export class DdcByteSource implements SerialIo {
  #io: I2cIo | undefined;
  #timer: Timer | undefined;
  #pending: Uint8Array | undefined;
  #error: unknown;
  /** A poll failed and no poll has worked since: further failures are not reported again. */
  #failing = false;
  readonly #onReadable: DdcSourceOptions["onReadable"];

  constructor(options: DdcSourceOptions) {
    const { io: IO, pollMs, onReadable, ...bus } = options;
    const period = pollMs ?? DDC_POLL_MS;
    if (!(period >= 10 && period <= 1000)) throw new RangeError("pollMs must be 10…1000 (the receiver stops its stream after 1.5 s unread)");
    // Not probed here: a receiver that does not answer must not stop the camera booting; the
    // first failed poll reports it through read().
    this.#io = new IO({ hz: 400_000, address: UBLOX_DDC_ADDRESS, ...bus });
    this.#onReadable = onReadable;
    this.#timer = Timer.repeat(() => this.#poll(), period);
  }

  /** The bytes read since the last call, or undefined; throws once for a failed poll. */
  read(): ArrayBuffer | undefined {
    if (!this.#io) throw new Error("closed");
    if (this.#error !== undefined) {
      const e = this.#error;
      this.#error = undefined;
      throw e;
    }
    const p = this.#pending;
    this.#pending = undefined;
    return p?.buffer as ArrayBuffer | undefined;
  }

  close(): void {
    if (!this.#io) return;
    Timer.clear(this.#timer);
    this.#timer = undefined;
    this.#io.close();
    this.#io = undefined;
  }

  #poll(): void {
    const io = this.#io;
    if (!io) return;
    let got: Uint8Array;
    try {
      got = readWaiting(io);
    } catch (e) {
      if (this.#failing) return;
      this.#failing = true;
      this.#error = e;
      this.#onReadable.call(this, 0);
      return;
    }
    this.#failing = false;
    if (got.length === 0) return;
    const before = this.#pending;
    if (before) {
      const joined = new Uint8Array(before.length + got.length);
      joined.set(before);
      joined.set(got, before.length);
      got = joined;
    }
    this.#pending = got;
    this.#onReadable.call(this, got.length);
  }
}

/** One poll: the byte count, then that many bytes from the stream in chunks. */
export function readWaiting(io: I2cIo): Uint8Array {
  io.write(Uint8Array.of(DdcRegister.COUNT), false);
  const c = new Uint8Array(io.read(2));
  const count = (c[0] << 8) | c[1];
  // All ones is what a bus nobody drives reads as, not a count (the buffer is 4 KB).
  if (count === 0 || count === 0xffff) return new Uint8Array(0);
  const out = new Uint8Array(count);
  for (let at = 0; at < count; at += DDC_CHUNK) out.set(new Uint8Array(io.read(Math.min(DDC_CHUNK, count - at))), at);
  return out;
}
