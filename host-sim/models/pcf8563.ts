// NXP PCF8563 real-time clock/calendar as its datasheet (Rev. 11) describes it, at the
// register level: sixteen registers behind an auto-incrementing register pointer, BCD time
// fields, a 1 Hz count kept from the simulated world's time with a crystal error (ppm),
// the VL (voltage-low) flag, the STOP bit, and a power-on reset when the backup cell fails.
//
// Modelled from the datasheet:
// - A write's first byte sets the register pointer; every byte read or written then moves
//   it on, rolling over from 0x0F to 0x00.
// - The time counters are frozen from START to STOP, so a read never sees a carry half done;
//   at STOP at most one pending 1 Hz increment is serviced (others are lost, as on the chip).
// - Writing time registers does not touch the prescaler: the next increment comes at the
//   prescaler's next second boundary. STOP holds the upper prescaler in reset; after it is
//   released the first increment comes 0.507813 s later.
// - AF and TF in control 2 can only be cleared by a write (a written 1 keeps their value).
// - Power-on reset (the backup cell failed while the camera was off): control 1 = 0x08
//   (TESTC), VL set, alarms disabled, CLKOUT 32 kHz, timer off; the datasheet leaves the
//   time undefined: the model starts it from 00-01-01 00:00:00, century bit clear, running.
// Simplifications: registers holding an impossible date (month 13, day 0, a non-BCD nibble)
// do not count at all; unused bits read as 0; the alarm, timer and CLKOUT registers are
// stored but not acted on.
import { currentBoard } from '../board/current';
import type { I2cTarget } from '../board/sim-board';
import type { Scheduler } from '../time/scheduler';

export const PCF8563_ADDRESS = 0x51;

export interface Pcf8563ModelOptions {
  /** The simulated world the crystal lives in; defaults to the current board's scheduler. */
  scheduler?: Scheduler;
  /** Crystal error in parts per million; positive runs fast. */
  driftPpm?: number;
  /** The clock's time minus the world's wall time at construction, ms. */
  offsetMs?: number;
  /** False: start as after a power-on reset with no backup (VL set, time wrong). Default true. */
  valid?: boolean;
}

const STOP = 0x20;
const VL = 0x80;
const CENTURY = 0x80;
/** Writable bits of each register; the rest read as 0. */
const WRITABLE = [0xa8, 0x1f, 0xff, 0x7f, 0x3f, 0x3f, 0x07, 0x9f, 0xff, 0xff, 0xbf, 0xbf, 0x87, 0x83, 0x83, 0xff];
const POWER_ON = [0x08, 0x00, VL, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x03, 0x00];
/** Control 2 flags a write can clear but not set. */
const FLAGS = 0x0c;
/** After STOP is released the first increment comes 0.507813 s later (datasheet §8.3.1). */
const FIRST_TICK_AFTER_STOP_MS = 507.813;
/** The chip's calendar repeats every 100 years of 36525 days (every 4th year is leap, 00 included). */
const CENTURY_S = 36525 * 86400;
const EPOCH_2000_S = Date.UTC(2000, 0, 1) / 1000;

export class Pcf8563 implements I2cTarget {
  readonly #regs = new Uint8Array(16);
  readonly #scheduler: Scheduler;
  readonly #rate: number;
  #pointer = 0;
  #inTransaction = false;
  /** World time the count was last brought up to date. */
  #lastWorld: number;
  /** Crystal time since the last 1 Hz increment, ms (0 ≤ phase < 1000). */
  #phaseMs = 0;

  constructor(options: Pcf8563ModelOptions = {}) {
    this.#scheduler = options.scheduler ?? currentBoard().scheduler;
    this.#rate = 1 + (options.driftPpm ?? 0) / 1e6;
    this.#lastWorld = this.#world();
    const wall = this.#scheduler.clock.wall();
    this.losePower(); // a chip's life starts with a power-on reset…
    if (options.valid !== false && wall !== undefined) this.setTime(wall + (options.offsetMs ?? 0)); // …then someone set it
  }

  // I2C target: one call per START … (repeated START | STOP).

  write(data: Uint8Array, stop: boolean): void {
    this.#begin();
    if (data.length > 0) {
      this.#pointer = data[0] & 0x0f;
      for (let i = 1; i < data.length; i++) {
        this.#store(this.#pointer, data[i]);
        this.#pointer = (this.#pointer + 1) & 0x0f;
      }
    }
    if (stop) this.#end();
  }

  read(length: number, stop: boolean): Uint8Array {
    this.#begin();
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      out[i] = this.#regs[this.#pointer];
      this.#pointer = (this.#pointer + 1) & 0x0f;
    }
    if (stop) this.#end();
    return out;
  }

  // The world acting on the part.

  /** The backup cell failed while main power was off: power-on reset, VL set, time wrong until set. */
  losePower(): void {
    this.#regs.set(POWER_ON);
    this.#phaseMs = 0;
    this.#pointer = 0;
    this.#inTransaction = false;
    this.#lastWorld = this.#world();
  }

  /** The supply dipped below V_low but the oscillator survived: VL set, time keeps counting. */
  lowVoltage(): void {
    this.#catchUp();
    this.#regs[2] |= VL;
  }

  /** Sets the registers directly (the factory or a test harness, not the firmware): time value in ms, VL clear, running. */
  setTime(ms: number): void {
    const s = Math.floor(ms / 1000);
    const d = new Date(s * 1000);
    const year = d.getUTCFullYear();
    if (year < 2000 || year > 2199) throw new RangeError(`PCF8563 model: year ${year} outside 2000…2199`);
    this.#regs.set([0x00, this.#regs[1] & 0x1f, bcd(d.getUTCSeconds()), bcd(d.getUTCMinutes()), bcd(d.getUTCHours()), bcd(d.getUTCDate()), d.getUTCDay(), bcd(d.getUTCMonth() + 1) | (year >= 2100 ? CENTURY : 0), bcd(year % 100)]);
    this.#phaseMs = ms - s * 1000;
    this.#lastWorld = this.#world();
  }

  /** The sixteen registers as they read now (for tests and inspection). */
  registers(): Uint8Array {
    if (!this.#inTransaction) this.#catchUp();
    return this.#regs.slice();
  }

  // Internals.

  /** The simulated world's true time; its monotonic time when no wall time exists. */
  #world(): number {
    const clock = this.#scheduler.clock;
    return clock.wall() ?? clock.mono();
  }

  #begin(): void {
    if (this.#inTransaction) return;
    this.#catchUp();
    this.#inTransaction = true;
  }

  #end(): void {
    this.#inTransaction = false;
    this.#catchUp(1);
  }

  /** Runs the crystal from the last update to now and applies up to `maxTicks` 1 Hz increments. */
  #catchUp(maxTicks = Infinity): void {
    const now = this.#world();
    const dt = now - this.#lastWorld;
    this.#lastWorld = now;
    if (dt <= 0 || this.#regs[0] & STOP) return;
    this.#phaseMs += dt * this.#rate;
    const ticks = Math.floor(this.#phaseMs / 1000);
    this.#phaseMs -= ticks * 1000;
    if (ticks > 0) this.#count(Math.min(ticks, maxTicks));
  }

  #store(reg: number, value: number): void {
    const before = this.#regs[reg];
    let v = value & WRITABLE[reg];
    if (reg === 1) v = (v & ~FLAGS) | (v & before & FLAGS);
    this.#regs[reg] = v;
    if (reg === 0 && before & STOP && !(v & STOP)) this.#phaseMs = 1000 - FIRST_TICK_AFTER_STOP_MS;
    if (reg === 0 && !(before & STOP) && v & STOP) this.#phaseMs = 0;
  }

  /** Advances the calendar registers by n seconds, carrying as the chip's counters do. */
  #count(n: number): void {
    const r = this.#regs;
    const sec = unbcd(r[2] & 0x7f), min = unbcd(r[3]), hour = unbcd(r[4]), day = unbcd(r[5]), month = unbcd(r[7] & 0x1f), yy = unbcd(r[8]);
    if (sec > 59 || min > 59 || hour > 23 || month < 1 || month > 12 || yy > 99 || day < 1 || day > daysInMonth(yy, month)) return;
    // Seconds since 2000-01-01 in the chip's calendar, which matches the Gregorian one for 2000…2099.
    const before = Date.UTC(2000 + yy, month - 1, day, hour, min, sec) / 1000 - EPOCH_2000_S;
    const after = before + n;
    const centuries = Math.floor(after / CENTURY_S);
    const d = new Date((EPOCH_2000_S + after - centuries * CENTURY_S) * 1000);
    const days = Math.floor(after / 86400) - Math.floor(before / 86400);
    r[2] = (r[2] & VL) | bcd(d.getUTCSeconds());
    r[3] = bcd(d.getUTCMinutes());
    r[4] = bcd(d.getUTCHours());
    r[5] = bcd(d.getUTCDate());
    r[6] = (r[6] + days) % 7;
    r[7] = ((r[7] ^ (centuries & 1 ? CENTURY : 0)) & CENTURY) | bcd(d.getUTCMonth() + 1);
    r[8] = bcd(d.getUTCFullYear() % 100);
  }
}

function bcd(n: number): number {
  return Math.floor(n / 10) * 16 + (n % 10);
}

/** A BCD byte as a number; a non-decimal nibble gives 255 (out of every range). */
function unbcd(b: number): number {
  return (b & 0x0f) > 9 || b >> 4 > 9 ? 255 : (b >> 4) * 10 + (b & 0x0f);
}

/** The chip's month lengths: February has 29 days whenever the two-digit year is divisible by 4. */
function daysInMonth(yy: number, month: number): number {
  return month === 2 ? (yy % 4 === 0 ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
