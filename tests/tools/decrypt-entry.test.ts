// The decrypting layer (tools/crypto/decrypt-entry.ts): verified bytes only, the key from
// the first record, plaintext spans the existing readers consume.
import { buildEntry, decodePayload, FormatError, parseEntry } from '../../firmware/core/evidence';
import { PayloadCipher } from '../../firmware/core/evidence/payload-cipher';
import { WrongStoreKeyError } from '../../tools/crypto/content-key';
import { entryOpener, openEntry, UnverifiedEntryError } from '../../tools/crypto/decrypt-entry';
import { copyFiles, deviceSigner, encryptChain, sampleChain, storeContentKey, verify } from '../support/chain';

const store = storeContentKey();
const clear = sampleChain();
const encrypted = encryptChain(clear, store.publicPoint);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('openEntry', () => {
  test('every record reads back as the clear chain wrote it; the file bytes stay the ciphertext', () => {
    encrypted.forEach((f, i) => {
      const opened = openEntry(parseEntry(f.bytes), store.privateKey);
      const plain = parseEntry(clear[i].bytes);
      expect(opened.bytes).toBe(f.bytes);
      expect(opened.records[0].code).toBe(0x021d);
      const rest = opened.records.slice(1);
      expect(rest.map((s) => [s.code, s.t, hex(s.payload)])).toEqual(plain.records.map((s) => [s.code, s.t, hex(s.payload)]));
      for (const s of rest) expect(() => decodePayload(s.code, s.t, s.payload)).not.toThrow();
    });
  });

  test('a clear entry is returned as it is', () => {
    const e = parseEntry(clear[0].bytes);
    expect(openEntry(e, store.privateKey)).toBe(e);
  });

  test('a flipped ciphertext bit is refused, not decrypted', () => {
    const [f] = copyFiles([encrypted[2]]);
    const e = parseEntry(f.bytes);
    f.bytes[e.records[3].offset + 12 + 5] ^= 1;
    expect(() => openEntry(parseEntry(f.bytes), store.privateKey)).toThrow(UnverifiedEntryError);
  });

  test('another store key does not open it', () => {
    expect(() => openEntry(parseEntry(encrypted[1].bytes), storeContentKey('another store').privateKey)).toThrow(WrongStoreKeyError);
  });

  test('the verifier with the opener reads the content: the compliance view is the clear chain\'s', () => {
    const r = verify(encrypted, { open: entryOpener(store.privateKey) });
    expect(r.ok).toBe(true);
    expect(r.encrypted).toEqual({ entries: encrypted.length, contentRead: true });
    expect(r.compliance).toEqual(verify(clear).compliance);
  });

  test('the verifier still judges a damaged entry without opening it; the rest is read', () => {
    const files = copyFiles(encrypted);
    const e = parseEntry(files[4].bytes);
    files[4].bytes[e.records[2].offset + 12] ^= 0x80;
    const r = verify(files, { open: entryOpener(store.privateKey) });
    expect(r.problems.map((p) => [p.kind, p.seq])).toEqual([['modified', 4]]);
    expect(r.compliance.recordings.every((v) => v.contentRead)).toBe(true);
  });

  test('an encrypted entry whose first record is not its content-key is malformed, not opened', () => {
    const src = parseEntry(encrypted[0].bytes);
    const records = parseEntry(clear[0].bytes).records.map((r) => decodePayload(r.code, r.t, r.payload));
    const ck = decodePayload(src.records[0].code, src.records[0].t, src.records[0].payload);
    const moved = buildEntry(src.header, [records[0], ck, ...records.slice(1)], deviceSigner, src.seal.t, 0, new PayloadCipher(new Uint8Array(16).fill(1)));
    expect(() => openEntry(parseEntry(moved.bytes), store.privateKey)).toThrow(new FormatError('malformed', 'encrypted entry whose first record is not a content-key'));
  });
});
