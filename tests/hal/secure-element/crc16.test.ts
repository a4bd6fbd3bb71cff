// The ATECC608 protocol's CRC-16 against packets from Microchip's documentation and
// cryptoauthlib, and the model's independent implementation against the driver's.
import { appendCrc, crc16, crcMatches } from '../../../hal/secure-element/crc16';
import { commandPacket, configAddress, dataAddress, Opcode, responsePayload, WAKE_RESPONSE } from '../../../hal/secure-element/atecc608-protocol';
import { atcaCrc } from '../../../host-sim/models/atecc608';

const bytes = (...b: number[]) => Uint8Array.from(b);

test('the wake response 04 11 ends in its CRC 33 43 (low byte first)', () => {
  expect(crc16(bytes(0x04, 0x11))).toBe(0x4333);
  expect(crcMatches(WAKE_RESPONSE)).toBe(true);
  expect([...WAKE_RESPONSE]).toEqual([0x04, 0x11, 0x33, 0x43]);
});

test('known command packets: Info revision 07 30 00 00 00 → 03 5D, Random 07 1B 00 00 00 → 24 CD', () => {
  expect([...commandPacket(Opcode.INFO, 0, 0)]).toEqual([0x03, 0x07, 0x30, 0x00, 0x00, 0x00, 0x03, 0x5d]);
  expect([...commandPacket(Opcode.RANDOM, 0, 0)]).toEqual([0x03, 0x07, 0x1b, 0x00, 0x00, 0x00, 0x24, 0xcd]);
});

test('the success status packet is 04 00 03 40', () => {
  expect([...appendCrc(bytes(0x04, 0x00, 0, 0))]).toEqual([0x04, 0x00, 0x03, 0x40]);
  expect([...(responsePayload(bytes(0x04, 0x00, 0x03, 0x40)) ?? [])]).toEqual([0x00]);
  expect(responsePayload(bytes(0x04, 0x00, 0x03, 0x41))).toBeUndefined();
  expect(responsePayload(bytes(0x05, 0x00, 0x03, 0x40))).toBeUndefined(); // count disagrees with length
});

test('command packets: count covers the whole packet, param2 is little-endian, data follows', () => {
  const data = Uint8Array.from({ length: 32 }, (_, i) => i);
  const p = commandPacket(Opcode.NONCE, 0x03, 0x1234, data);
  expect(p.length).toBe(1 + 7 + 32);
  expect([...p.subarray(0, 6)]).toEqual([0x03, 39, 0x16, 0x03, 0x34, 0x12]);
  expect(crcMatches(p.subarray(1))).toBe(true);
});

test('read addresses: config block/word and data slot/block', () => {
  expect(configAddress(0)).toBe(0x00);
  expect(configAddress(84)).toBe(0x15); // block 2, word 5: UserExtra … LockConfig
  expect(configAddress(96)).toBe(0x18);
  expect(() => configAddress(85)).toThrow(RangeError);
  expect(dataAddress(0)).toBe(0x0000);
  expect(dataAddress(8, 2)).toBe(0x0240);
});

test('the model computes the same CRC independently', () => {
  let x = 12345;
  for (let n = 0; n < 200; n++) {
    const b = Uint8Array.from({ length: n % 70 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    expect(atcaCrc(b)).toBe(crc16(b));
  }
});
