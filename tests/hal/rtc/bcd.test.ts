import { fromBcd, toBcd } from '../../../hal/rtc/bcd';
import { decodeTime, encodeTime } from '../../../hal/rtc/pcf8563-registers';

test('BCD: every value 0…99 round-trips, one decimal digit per nibble', () => {
  for (let n = 0; n <= 99; n++) expect(fromBcd(toBcd(n))).toBe(n);
  expect(toBcd(59)).toBe(0x59);
  expect(toBcd(7)).toBe(0x07);
  expect(fromBcd(0x31)).toBe(31);
});

test('BCD: non-decimal nibbles decode to undefined; out-of-range values do not encode', () => {
  expect(fromBcd(0x1a)).toBeUndefined();
  expect(fromBcd(0xa1)).toBeUndefined();
  expect(() => toBcd(100)).toThrow(RangeError);
  expect(() => toBcd(-1)).toThrow(RangeError);
  expect(() => toBcd(1.5)).toThrow(RangeError);
});

test('time registers: the datasheet layout, century bit set for 21xx', () => {
  // 2026-11-26 01:02:03 UTC, a Thursday (weekday 4)
  expect([...encodeTime(Date.UTC(2026, 10, 26, 1, 2, 3, 999))]).toEqual([0x03, 0x02, 0x01, 0x26, 4, 0x11, 0x26]);
  expect([...encodeTime(Date.UTC(2100, 0, 1))]).toEqual([0x00, 0x00, 0x00, 0x01, 5, 0x81, 0x00]);
  expect(decodeTime(Uint8Array.of(0x59, 0x59, 0x23, 0x31, 5, 0x12, 0x99))).toBe(Date.UTC(2099, 11, 31, 23, 59, 59));
  expect(decodeTime(Uint8Array.of(0x00, 0x00, 0x00, 0x01, 5, 0x81, 0x00))).toBe(Date.UTC(2100, 0, 1));
});

test('time registers: years outside 2000…2199 are refused', () => {
  expect(() => encodeTime(Date.UTC(1999, 11, 31, 23, 59, 59))).toThrow(RangeError);
  expect(() => encodeTime(Date.UTC(2200, 0, 1))).toThrow(RangeError);
  expect(() => encodeTime(NaN)).toThrow(RangeError);
});

test.each([
  ['VL set', [0x80, 0, 0, 0x01, 0, 0x01, 0x26]],
  ['seconds 60', [0x60, 0, 0, 0x01, 0, 0x01, 0x26]],
  ['hours 24', [0, 0, 0x24, 0x01, 0, 0x01, 0x26]],
  ['day 0', [0, 0, 0, 0x00, 0, 0x01, 0x26]],
  ['month 13', [0, 0, 0, 0x01, 0, 0x13, 0x26]],
  ['February 29 of a common year', [0, 0, 0, 0x29, 0, 0x02, 0x25]],
  ['February 29, 2100 (the chip thinks it leap)', [0, 0, 0, 0x29, 0, 0x82, 0x00]],
  ['April 31', [0, 0, 0, 0x31, 0, 0x04, 0x26]],
  ['a non-BCD nibble', [0x0a, 0, 0, 0x01, 0, 0x01, 0x26]],
])('time registers: %s decodes to undefined', (_, regs) => {
  expect(decodeTime(Uint8Array.from(regs))).toBeUndefined();
});

test('time registers: unused bits are ignored, February 29 of a leap year is valid', () => {
  expect(decodeTime(Uint8Array.of(0x00, 0x80, 0xc0, 0xe9, 0xf8, 0x62, 0x24))).toBe(Date.UTC(2024, 1, 29));
});
