// The NXP PCF8563 register map (datasheet Rev. 11, §8) and the conversion between its
// seven time registers (0x02…0x08) and an ECMAScript time value.
//
// Century convention (the same as Moddable's embedded:RTC/PCF8563 driver, so a clock set by
// either reads the same): century bit clear = 20xx, set = 21xx. The chip toggles the bit
// when years roll over from 99 to 00, so it counts 2000-01-01 … 2199-12-31. It takes every
// year divisible by 4 as a leap year, which is right until 2100-02-28; a body camera never
// needs a date before 2000, and a date it cannot hold is refused rather than wrapped.
import { fromBcd, toBcd } from './bcd';

export const Register = {
  CONTROL_1: 0x00,
  CONTROL_2: 0x01,
  SECONDS: 0x02,
  ALARM_MINUTE: 0x09,
  CLKOUT: 0x0d,
  TIMER_CONTROL: 0x0e,
  TIMER: 0x0f,
} as const;

export const Bit = {
  /** Control 1: the clock is stopped (prescaler held in reset). */
  STOP: 0x20,
  /** Control 1: test modes; both must be 0 in normal operation (TESTC is 1 after power-on). */
  TEST1: 0x80,
  TESTC: 0x08,
  /** Seconds: VL, voltage low: clock integrity is not guaranteed. */
  VL: 0x80,
  /** Century_months: the century bit. */
  CENTURY: 0x80,
} as const;

/** The seven time registers 0x02…0x08 in register order. */
export type TimeRegisters = Uint8Array;
export const TIME_REGISTER_COUNT = 7;

export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2199;

/** An ECMAScript time value (ms since 1970, UTC) → the time registers, VL clear. Sub-second ms are dropped. */
export function encodeTime(time: number): TimeRegisters {
  if (!Number.isFinite(time)) throw new RangeError(`not a time value: ${time}`);
  const d = new Date(Math.floor(time / 1000) * 1000);
  const year = d.getUTCFullYear();
  if (year < FIRST_YEAR || year > LAST_YEAR) throw new RangeError(`the PCF8563 holds ${FIRST_YEAR}…${LAST_YEAR}, not ${year}`);
  return Uint8Array.of(
    toBcd(d.getUTCSeconds()),
    toBcd(d.getUTCMinutes()),
    toBcd(d.getUTCHours()),
    toBcd(d.getUTCDate()),
    d.getUTCDay(),
    toBcd(d.getUTCMonth() + 1) | (year >= 2100 ? Bit.CENTURY : 0),
    toBcd(year % 100),
  );
}

/**
 * The time registers → an ECMAScript time value, or undefined when VL is set or any field is
 * out of range (a clock that lost power, or registers written with nonsense). The weekday is
 * not checked: the chip only counts it and nothing here depends on it.
 */
export function decodeTime(r: TimeRegisters): number | undefined {
  if (r[0] & Bit.VL) return undefined;
  const second = fromBcd(r[0] & 0x7f);
  const minute = fromBcd(r[1] & 0x7f);
  const hour = fromBcd(r[2] & 0x3f);
  const day = fromBcd(r[3] & 0x3f);
  const month = fromBcd(r[5] & 0x1f);
  const yy = fromBcd(r[6]);
  if (second === undefined || minute === undefined || hour === undefined || day === undefined || month === undefined || yy === undefined) return undefined;
  const year = (r[5] & Bit.CENTURY ? 2100 : 2000) + yy;
  if (second > 59 || minute > 59 || hour > 23 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
