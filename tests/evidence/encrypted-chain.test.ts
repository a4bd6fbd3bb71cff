// An encrypted chain (FORMAT §7a) verified without any key: integrity, links, signatures
// and completeness are judged as for a clear chain; the content is not read and the rule
// checks that need it say so instead of passing or failing.
import { buildEntry, decodePayload, entryPath, HEADER_FLAG_ENCRYPTED, NOT_READ_FLAG, parseEntry, type EntryFile } from '../../firmware/core/evidence';
import { PayloadCipher } from '../../firmware/core/evidence/payload-cipher';
import { formatReport } from '../../tools/report/verify-text';
import { copyFiles, deviceSigner, encryptChain, kinds, sampleChain, storeContentKey, verify } from '../support/chain';

const store = storeContentKey();
const clear = sampleChain();
const encrypted = encryptChain(clear, store.publicPoint);

describe('verify an encrypted chain without a key', () => {
  test('intact, same head length and entries; every entry counted encrypted, content not read', () => {
    const r = verify(encrypted);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(clear.length);
    expect(r.key?.source).toBe('chain');
    expect(r.encrypted).toEqual({ entries: clear.length, contentRead: false });
    expect(verify(clear).encrypted).toEqual({ entries: 0, contentRead: true });
  });

  test('recordings come from the headers; frames counted; absent journal content is not a finding', () => {
    const c = verify(clear).compliance;
    const e = verify(encrypted).compliance;
    expect(e.recordings.map((v) => [v.recording, v.mediaEntries, v.frames])).toEqual(c.recordings.map((v) => [v.recording, v.mediaEntries, v.frames]));
    for (const v of e.recordings) {
      expect(v.contentRead).toBe(false);
      expect(v.notice).toBeNull();
      expect(v.flags).toEqual([NOT_READ_FLAG]);
    }
    const text = formatReport(verify(encrypted));
    expect(text).toMatch(/^INTACT: /);
    expect(text).toContain(`encrypted: ${clear.length} of ${clear.length} entries; integrity checked, content not read`);
    expect(text).toContain('notice not read (encrypted)');
    expect(text).not.toContain('MISSING');
    expect(text).not.toContain('李明');
  });

  test('one flipped ciphertext bit is caught without a key', () => {
    const files = copyFiles(encrypted);
    const e = parseEntry(files[3].bytes);
    const frame = e.records.find((s) => s.code === 0x0101) ?? e.records[1];
    files[3].bytes[frame.offset + 12 + 20] ^= 0x10;
    const r = verify(files);
    expect(r.ok).toBe(false);
    expect(kinds(r)).toEqual(['modified']);
    expect(r.problems[0].seq).toBe(3);
  });

  test('completeness and order as for a clear chain: a removed entry is missing, a swapped pair reordered', () => {
    expect(verify(encrypted.filter((_, i) => i !== 4)).problems.map((p) => [p.kind, p.seq])).toEqual([['missing', 4]]);
    const swapped = copyFiles(encrypted);
    [swapped[2].bytes, swapped[3].bytes] = [swapped[3].bytes, swapped[2].bytes];
    expect(kinds(verify(swapped))).toEqual(['reordered']);
  });

  test('an encrypted entry whose content-key is missing or not first is malformed', () => {
    const base = parseEntry(encrypted[0].bytes);
    const records = clearRecordsOf(clear[0]);
    const K = new Uint8Array(16).fill(7);
    const header = { ...base.header, flags: base.header.flags | HEADER_FLAG_ENCRYPTED };
    const noKey = buildEntry(header, records, deviceSigner, base.seal.t, 0, new PayloadCipher(K));
    const r = verify([{ path: entryPath(0), bytes: noKey.bytes }, ...encrypted.slice(1)]);
    expect(r.problems.find((p) => p.seq === 0)).toMatchObject({ kind: 'malformed', detail: expect.stringMatching(/first record is not a content-key/) });
    const ck = parseEntry(encrypted[0].bytes).records[0];
    const second = buildEntry(header, [records[0], decodePayload(ck.code, ck.t, ck.payload), ...records.slice(1)], deviceSigner, base.seal.t, 0, new PayloadCipher(K));
    expect(verify([{ path: entryPath(0), bytes: second.bytes }, ...encrypted.slice(1)]).problems.find((p) => p.seq === 0)?.kind).toBe('malformed');
  });
});

function clearRecordsOf(f: EntryFile) {
  return parseEntry(f.bytes).records.map((s) => decodePayload(s.code, s.t, s.payload));
}
