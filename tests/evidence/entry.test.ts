import { createHash } from 'node:crypto';
import {
  buildEntry,
  checkIntegrity,
  EntryKind,
  EntryWriter,
  FormatError,
  genesisLink,
  HEADER_SIZE,
  joinRecord,
  parseEntry,
  recordPieces,
  scanOpenEntry,
  SEAL_FLAG_RECOVERED,
  SEAL_SIZE,
  spanCheck,
  spanFrame,
  type EntryHeader,
} from '../../firmware/core/evidence';
import { deviceSigner } from '../support/chain';
import { sampleRecords } from '../support/sample-records';

const header: EntryHeader = {
  kind: EntryKind.Journal,
  flags: 0,
  deviceId: 'QC-TEST-01',
  seq: 0,
  session: 1,
  recording: 0,
  wallStart: 1_795_000_000_000,
  monoStart: 1234,
  prevLink: genesisLink('QC-TEST-01'),
};

describe('entries', () => {
  const records = sampleRecords();
  const { bytes, seal } = buildEntry(header, records, deviceSigner, 99);

  test('a built entry parses back to its header and records, and its hashes check', () => {
    const e = parseEntry(bytes);
    expect(e.header).toEqual(header);
    expect(e.records.map((r) => r.t)).toEqual(records.map((r) => r.t));
    expect(e.seal.count).toBe(records.length);
    expect(e.seal.t).toBe(99);
    expect(e.seal.entryHash).toEqual(seal.entryHash);
    expect(e.seal.link).toEqual(seal.link);
    expect(e.seal.keyId).toEqual(deviceSigner.keyId);
    const integrity = checkIntegrity(e);
    expect(integrity).toMatchObject({ entryHashOk: true, countOk: true, linkOk: true, badRecords: [] });
    expect(bytes.length - e.seal.offset).toBe(SEAL_SIZE);
  });

  test('the entry hash is SHA-256 of every byte before the seal\'s entry hash field', () => {
    const e = parseEntry(bytes);
    const expected = createHash('sha256').update(bytes.subarray(0, e.seal.offset + 20)).digest();
    expect(Buffer.from(e.seal.entryHash)).toEqual(expected);
  });

  test('streamed pieces equal the whole entry, and payloads are passed through, not copied', () => {
    const w = new EntryWriter(header);
    const frame = w.frame(records[0]); // a video frame: its image is the body, passed through
    expect(records[0].type === 'video-frame' && frame.body).toBe(records[0].type === 'video-frame' && records[0].data.image);
    const raw = w.frameRaw(0x0101, 5, frame.payload, frame.body);
    expect(raw.body).toBe(frame.body);
    const payloadOf = (b: Uint8Array) => b.subarray(12, b.length - 32);
    expect(payloadOf(joinRecord(raw))).toEqual(payloadOf(joinRecord(frame))); // the same payload bytes
    expect(w.recordCount).toBe(2);
  });

  test('a sealed writer refuses more records and a second seal', () => {
    const w = new EntryWriter(header);
    w.seal(deviceSigner, 0);
    expect(() => w.frame(records[0])).toThrow(/sealed/);
    expect(() => w.seal(deviceSigner, 0)).toThrow(/sealed/);
  });

  test('boot recovery: every prefix of an open entry keeps exactly the complete records, and resealing them is a valid entry', () => {
    const w = new EntryWriter(header);
    const parts: Uint8Array[] = [w.headerBytes];
    const ends: number[] = [];
    let size = HEADER_SIZE;
    for (const r of records) {
      const pieces = recordPieces(w.frame(r));
      parts.push(...pieces);
      size += pieces.reduce((n, p) => n + p.length, 0);
      ends.push(size);
    }
    const open = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      open.set(p, o);
      o += p.length;
    }
    for (let cut = HEADER_SIZE; cut <= size; cut += 7) {
      const scan = scanOpenEntry(open.subarray(0, cut));
      const complete = ends.filter((e) => e <= cut).length;
      expect(scan.records.length).toBe(complete);
      expect(scan.intactLength).toBe(complete ? ends[complete - 1] : HEADER_SIZE);
    }
    // Reseal a prefix the way boot recovery does.
    const scan = scanOpenEntry(open.subarray(0, ends[10] + 5));
    const rw = new EntryWriter(scan.header);
    rw.absorb(open.subarray(HEADER_SIZE, scan.intactLength));
    rw.adoptCount(scan.records.length);
    expect(spanCheck(open, scan.records[0]).length).toBe(32);
    expect(spanFrame(open, scan.records[0])[0]).toBe(0x01);
    const sealed = rw.seal(deviceSigner, 1, SEAL_FLAG_RECOVERED);
    const file = new Uint8Array(scan.intactLength + sealed.bytes.length);
    file.set(open.subarray(0, scan.intactLength));
    file.set(sealed.bytes, scan.intactLength);
    const e = parseEntry(file);
    expect(e.records.length).toBe(11);
    expect(e.seal.flags).toBe(SEAL_FLAG_RECOVERED);
    expect(checkIntegrity(e)).toMatchObject({ entryHashOk: true, linkOk: true, countOk: true });
  });

  test('a corrupted record stops the open-entry scan there', () => {
    const corrupt = bytes.slice(0, parseEntry(bytes).seal.offset);
    const third = parseEntry(bytes).records[2];
    corrupt[third.offset + 14] ^= 1;
    const scan = scanOpenEntry(corrupt);
    expect(scan.records.length).toBe(2);
    expect(scan.stopped).toBe('record check mismatch');
  });

  test('structural errors say truncated or malformed', () => {
    const kindOf = (b: Uint8Array) => {
      try {
        parseEntry(b);
        return 'ok';
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        return (e as FormatError).kind;
      }
    };
    expect(kindOf(bytes)).toBe('ok');
    expect(kindOf(bytes.subarray(0, 40))).toBe('truncated');
    expect(kindOf(bytes.subarray(0, bytes.length - 1))).toBe('truncated');
    expect(kindOf(Uint8Array.from([...bytes, 0]))).toBe('malformed');
    const badMagic = bytes.slice();
    badMagic[0] = 0;
    expect(kindOf(badMagic)).toBe('malformed');
    const badVersion = bytes.slice();
    badVersion[4] = 9;
    expect(kindOf(badVersion)).toBe('malformed');
  });

  test('header fields are validated when written', () => {
    expect(() => buildEntry({ ...header, deviceId: 'has space' }, [], deviceSigner, 0)).toThrow(/device id/);
    expect(() => buildEntry({ ...header, deviceId: 'x'.repeat(17) }, [], deviceSigner, 0)).toThrow(/device id/);
    expect(() => buildEntry({ ...header, prevLink: new Uint8Array(3) }, [], deviceSigner, 0)).toThrow(/32 bytes/);
  });
});
