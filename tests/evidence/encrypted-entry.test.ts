// An encrypted entry (FORMAT §7a): the writer encrypts every payload but the clear types
// before hashing, so the entry checks without a key and the store's side reads it back.
import {
  buildEntry,
  checkIntegrity,
  encodePayload,
  EntryKind,
  EntryWriter,
  genesisLink,
  HEADER_FLAG_ENCRYPTED,
  isClearCode,
  parseEntry,
  RECORDS,
  type EntryHeader,
  type EvidenceRecord,
} from '../../firmware/core/evidence';
import { PayloadCipher } from '../../firmware/core/evidence/payload-cipher';
import { cryptPayload } from '../../tools/crypto/content-key';
import { deviceSigner } from '../support/chain';
import { sampleRecords } from '../support/sample-records';

const header: EntryHeader = {
  kind: EntryKind.Media,
  flags: HEADER_FLAG_ENCRYPTED,
  deviceId: 'QC-TEST-01',
  seq: 4,
  session: 1,
  recording: 3,
  wallStart: 1_795_000_000_000,
  monoStart: 1234,
  prevLink: genesisLink('QC-TEST-01'),
};
const K = Uint8Array.from({ length: 16 }, (_, i) => i * 17 + 3);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('encrypted entries', () => {
  const records: EvidenceRecord[] = sampleRecords();
  const { bytes } = buildEntry(header, records, deviceSigner, 99, 0, new PayloadCipher(K));
  const e = parseEntry(bytes);

  test('the entry checks without the key: hashes, count and link cover the ciphertext', () => {
    expect(checkIntegrity(e)).toMatchObject({ entryHashOk: true, countOk: true, linkOk: true, badRecords: [] });
    expect(e.header.flags & HEADER_FLAG_ENCRYPTED).toBe(HEADER_FLAG_ENCRYPTED);
  });

  test('every payload but the clear types is ciphertext the store key context decrypts; lengths unchanged', () => {
    e.records.forEach((span, i) => {
      const plain = encodePayload(records[i].type, records[i].data as never);
      expect(span.payload.length).toBe(plain.length);
      if (isClearCode(span.code)) {
        expect(hex(span.payload)).toBe(hex(plain));
      } else {
        expect(hex(span.payload)).not.toBe(hex(plain));
        expect(hex(cryptPayload(K, i, span.payload))).toBe(hex(plain));
      }
    });
    const clear = e.records.filter((s) => isClearCode(s.code)).map((s) => s.code);
    expect(clear.sort()).toEqual(['content-key', 'device-key', 'offload-receipt', 'space-reclaimed'].map((n) => RECORDS[n as 'device-key'].code).sort());
  });

  test('the key is dropped at the seal; an encrypted entry cannot frame a payload without one', () => {
    const cipher = new PayloadCipher(K);
    const w = new EntryWriter(header, cipher);
    w.frame(records[0]);
    w.seal(deviceSigner, 5);
    expect(cipher.dropped).toBe(true);
    const keyless = new EntryWriter(header);
    expect(() => keyless.frame(records[0])).toThrow(/no content key/);
    keyless.frame(records.find((r) => r.type === 'content-key')!);
    expect(() => new EntryWriter({ ...header, flags: 0 }, new PayloadCipher(K))).toThrow(/not marked encrypted/);
  });
});
