import { decodePayload, encodePayload, FormatError, RECORDS, recordNameOf, type RecordName } from '../../firmware/core/evidence';
import { sampleRecords } from '../support/sample-records';

describe('record payloads', () => {
  const samples = sampleRecords();

  test('the samples cover every record type in the schema', () => {
    expect(new Set(samples.map((r) => r.type))).toEqual(new Set(Object.keys(RECORDS)));
  });

  test('type codes are unique and in the media (0x01xx) or journal (0x02xx) ranges', () => {
    const codes = Object.values(RECORDS).map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect([0x01, 0x02]).toContain(c >> 8);
    for (const name of Object.keys(RECORDS) as RecordName[]) expect(recordNameOf(RECORDS[name].code)).toBe(name);
  });

  test.each(samples.map((r) => [r.type, r] as const))('%s round-trips', (_type, record) => {
    const bytes = encodePayload(record.type, record.data as never);
    const back = decodePayload(RECORDS[record.type].code, record.t, bytes);
    expect(back).toEqual(record);
  });

  test('an unknown type code is malformed', () => {
    expect(() => decodePayload(0x02ff, 0, new Uint8Array(0))).toThrow(/unknown record type 0x02ff/);
  });

  test('short, long, bad-enum and bad-UTF-8 payloads are format errors', () => {
    const officer = samples.find((r) => r.type === 'officer')!;
    const good = encodePayload('officer', officer.data as never);
    const code = RECORDS.officer.code;
    expect(() => decodePayload(code, 0, good.subarray(0, good.length - 1))).toThrow(FormatError);
    expect(() => decodePayload(code, 0, Uint8Array.from([...good, 0]))).toThrow(/past the payload/);
    const badUtf8 = good.slice();
    badUtf8[2] = 0xff; // first byte of the name
    expect(() => decodePayload(code, 0, badUtf8)).toThrow(/UTF-8/);
    const boot = encodePayload('boot', { cause: 'cold', bootCount: 1, recoveredSeq: 0, recoveredRecords: 0 });
    boot[0] = 200;
    expect(() => decodePayload(RECORDS.boot.code, 0, boot)).toThrow(/enumeration index 200/);
  });

  test('a length prefix larger than the payload is caught without allocating it', () => {
    const p = Uint8Array.from([0xff, 0xff, 1, 2, 3]); // str of 65535 bytes, 3 present
    expect(() => decodePayload(RECORDS.firmware.code, 0, p)).toThrow(/needs 65535 bytes/);
  });

  test('encoding refuses values the layout cannot hold', () => {
    expect(() => encodePayload('boot', { cause: 'cold', bootCount: -1, recoveredSeq: 0, recoveredRecords: 0 })).toThrow(RangeError);
    expect(() => encodePayload('boot', { cause: 'nope' as never, bootCount: 1, recoveredSeq: 0, recoveredRecords: 0 })).toThrow(/not one of/);
    expect(() => encodePayload('notice', { recording: 1, outcome: 'played', clip: new Uint8Array(31), durationMs: 0 })).toThrow(/32 bytes/);
    expect(() => encodePayload('time-set', { oldTime: 2 ** 53, newTime: 0, source: 'rtc' })).toThrow(RangeError);
  });
});
