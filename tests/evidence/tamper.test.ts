// Every tamper class is detected, and pristine chains give no false positives.
import {
  buildEntry,
  decodePayload,
  encodePayload,
  entryPath,
  linkOf,
  parseEntry,
  RECORDS,
  recordFrame,
  sha256,
  type EntryFile,
} from '../../firmware/core/evidence';
import { attackerSigner, copyFiles, deviceSigner, kinds, sampleChain, verify } from '../support/chain';

const DEEP = process.env.QUANCHENG_DEEP === '1';

/** A small PRNG so the sweep is replayable from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('tamper detection', () => {
  const chain = sampleChain();

  test('a pristine chain is intact, with its head and compliance view', () => {
    const r = verify(chain);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(chain.length);
    expect(r.head?.seq).toBe(chain.length - 1);
    expect(r.key?.source).toBe('chain');
    expect(r.compliance.recordings).toHaveLength(2);
    const [one, two] = r.compliance.recordings;
    expect(one.notice?.outcome).toBe('played');
    expect(one.officer?.certificate).toBe('53032419001');
    expect(one.flags).toEqual([]);
    expect(two.interruptions).toHaveLength(1);
    expect(two.interruptions[0]).toMatchObject({ reason: 'low-battery', needsWrittenReport: false });
    expect(two.interruptions[0].explanation).not.toBeNull();
    expect(r.compliance.gaps).toBe(1);
    expect(verify(chain, { deviceKey: deviceSigner.publicKey }).ok).toBe(true);
  });

  test.each([1, 2, 3])('pristine chains of other shapes (seed %i) verify with no problems', (seed) => {
    const files = sampleChain({ deviceId: `QC-P-${seed}`, recordings: seed, mediaEntries: seed, frameBytes: 100 * seed });
    const r = verify(files, { deviceKey: deviceSigner.publicKey });
    expect(r.problems).toEqual([]);
  });

  test(`flipping any single bit of any sealed entry is detected (${DEEP ? 'every byte' : 'seeded sample of 600 positions'})`, () => {
    const positions: [number, number, number][] = [];
    if (DEEP) {
      chain.forEach((f, i) => {
        for (let b = 0; b < f.bytes.length; b++) positions.push([i, b, b % 8]);
      });
    } else {
      const rnd = mulberry32(20261126);
      // Every header, frame and seal byte of entry 0 and the last entry, plus random positions everywhere.
      for (const i of [0, chain.length - 1]) {
        const e = parseEntry(chain[i].bytes);
        for (let b = 0; b < 88; b++) positions.push([i, b, b % 8]);
        for (let b = e.seal.offset; b < chain[i].bytes.length; b += 3) positions.push([i, b, b % 8]);
      }
      while (positions.length < 600) {
        const i = Math.floor(rnd() * chain.length);
        positions.push([i, Math.floor(rnd() * chain[i].bytes.length), Math.floor(rnd() * 8)]);
      }
    }
    const missed: string[] = [];
    for (const [i, b, bit] of positions) {
      const files = copyFiles(chain);
      files[i].bytes[b] ^= 1 << bit;
      let r;
      try {
        r = verify(files);
      } catch (e) {
        // Only a chain with no readable entry at all may be refused as bad input; this one has others.
        missed.push(`entry ${i} byte ${b} bit ${bit}: threw ${(e as Error).message}`);
        continue;
      }
      if (r.ok) missed.push(`entry ${i} byte ${b} bit ${bit}`);
      else if (!r.problems.some((p) => p.seq === i)) missed.push(`entry ${i} byte ${b} bit ${bit}: blamed ${JSON.stringify(r.problems)}`);
    }
    expect(missed).toEqual([]);
  });

  test('deleting an entry: missing', () => {
    const files = chain.filter((_, i) => i !== 3);
    const r = verify(files);
    expect(kinds(r)).toEqual(['missing']);
    expect(r.problems[0]).toMatchObject({ kind: 'missing', seq: 3 });
  });

  test('deleting several entries in a row: one missing range', () => {
    const r = verify(chain.filter((_, i) => i < 2 || i > 4));
    expect(r.problems).toEqual([{ kind: 'missing', seq: 2, detail: 'entries 2-4 are missing' }]);
  });

  test('swapping two entries: reordered', () => {
    const files = copyFiles(chain);
    [files[2].bytes, files[5].bytes] = [files[5].bytes, files[2].bytes];
    const r = verify(files);
    expect(kinds(r)).toEqual(['reordered']);
    expect(r.problems.map((p) => p.seq)).toEqual([2, 5]);
  });

  test('inserting a duplicate: inserted', () => {
    const files = copyFiles(chain);
    files.push({ path: entryPath(chain.length), bytes: chain[4].bytes.slice() });
    const r = verify(files);
    expect(kinds(r)).toEqual(['inserted']);
    expect(r.problems[0].seq).toBe(4);
  });

  test('inserting a copy under another name: inserted', () => {
    const files = copyFiles(chain);
    files.push({ path: 'backup/0000000004.qce', bytes: chain[4].bytes.slice() });
    expect(kinds(verify(files))).toEqual(['inserted']);
  });

  test('truncating an entry: truncated', () => {
    const files = copyFiles(chain);
    files[3].bytes = files[3].bytes.slice(0, files[3].bytes.length - 100);
    const r = verify(files);
    expect(kinds(r)).toEqual(['truncated']);
    expect(r.problems[0].seq).toBe(3);
  });

  test('removing the tail: caught with --expect-head, invisible without', () => {
    const full = verify(chain);
    const cut = chain.slice(0, chain.length - 2);
    expect(verify(cut).ok).toBe(true);
    const r = verify(cut, { expectHead: { seq: full.head!.seq, link: full.head!.hash } });
    expect(kinds(r)).toEqual(['head-mismatch']);
    // The expected head may be an ancestor of the chain's end (the device kept recording).
    const mid = verify(chain.slice(0, 4));
    expect(verify(chain, { expectHead: { seq: mid.head!.seq, link: mid.head!.hash.slice(0, 16) } }).ok).toBe(true);
    // A wrong hash at the right sequence is a mismatch too.
    expect(kinds(verify(chain, { expectHead: { seq: mid.head!.seq, link: '00'.repeat(32) } }))).toEqual(['head-mismatch']);
  });

  test('an entry signed by another key: foreign-key', () => {
    const files = copyFiles(chain);
    const e = parseEntry(files[3].bytes);
    const records = e.records.map((s) => decodePayload(s.code, s.t, s.payload));
    files[3].bytes = buildEntry(e.header, records, attackerSigner, e.seal.t).bytes;
    expect(kinds(verify(files))).toContain('foreign-key');
    expect(kinds(verify(files, { deviceKey: deviceSigner.publicKey }))).toContain('foreign-key');
  });

  test('a whole chain re-signed by another key: only --device-key catches it', () => {
    const forged = sampleChain();
    const resigned: EntryFile[] = [];
    let prev: Uint8Array | undefined;
    for (const f of forged) {
      const e = parseEntry(f.bytes);
      const records = e.records.map((s) => {
        const r = decodePayload(s.code, s.t, s.payload);
        return r.type === 'device-key' ? { ...r, data: { ...r.data, publicKey: attackerSigner.publicKey } } : r;
      });
      const built = buildEntry({ ...e.header, prevLink: prev ?? e.header.prevLink }, records, attackerSigner, e.seal.t);
      prev = built.seal.link;
      resigned.push({ path: f.path, bytes: built.bytes });
    }
    expect(verify(resigned).ok).toBe(true);
    const r = verify(resigned, { deviceKey: deviceSigner.publicKey });
    expect(r.ok).toBe(false);
    expect(kinds(r)).toEqual(['foreign-key']);
  });

  test('editing a journal event and re-hashing it without the key: bad-signature', () => {
    const files = copyFiles(chain);
    const i = 0;
    const e = parseEntry(files[i].bytes);
    const bytes = files[i].bytes;
    const officer = e.records.find((s) => s.code === RECORDS.officer.code)!;
    const forgedPayload = encodePayload('officer', { name: '王五', certificate: '53032419001', unit: '罗平县市场监督管理局', assignedBy: 'tech-01' });
    expect(forgedPayload.length).toBe(officer.payload.length); // same length: a careful forger
    // Rewrite the payload, its record check, the entry hash and the link: everything but the signature.
    const frame = recordFrame(officer.code, officer.t, forgedPayload.length);
    bytes.set(forgedPayload, officer.offset + 12);
    bytes.set(sha256(frame, forgedPayload), officer.offset + 12 + forgedPayload.length);
    const entryHash = sha256(bytes.subarray(0, e.seal.offset + 20));
    bytes.set(entryHash, e.seal.offset + 20);
    const link = linkOf(e.header.prevLink, entryHash, e.header.seq);
    bytes.set(link, e.seal.offset + 52);
    const r = verify(files, { deviceKey: deviceSigner.publicKey });
    expect(kinds(r)).toEqual(['bad-signature', 'broken-link']);
    expect(r.problems.find((p) => p.kind === 'bad-signature')!.seq).toBe(0);
  });

  test('an entry from another device: foreign-device', () => {
    const files = copyFiles(chain);
    const other = sampleChain({ deviceId: 'QC-OTHER-99' });
    files[4] = { path: files[4].path, bytes: other[4].bytes };
    expect(kinds(verify(files))).toContain('foreign-device');
  });

  test('open entries are noted, not judged', () => {
    const files = copyFiles(chain);
    files.push({ path: 'open/0000000099.open', bytes: new Uint8Array(10) });
    const r = verify(files);
    expect(r.ok).toBe(true);
    expect(r.notes.join()).toMatch(/0000000099.open: entry 99 is open/);
  });

  test('a chain segment after offload verifies from an anchor, and not without it', () => {
    const tail = chain.slice(3);
    const anchorEntry = parseEntry(chain[2].bytes);
    const withAnchor = verify(tail, { deviceKey: deviceSigner.publicKey, anchor: { seq: 2, link: anchorEntry.seal.link } });
    expect(withAnchor.problems).toEqual([]);
    expect(kinds(verify(tail, { deviceKey: deviceSigner.publicKey }))).toEqual(['missing']);
  });

  test('without any device key the signatures cannot be checked: no-key', () => {
    const files = chain.slice(1); // the genesis entry announces the key
    const r = verify(files);
    expect(kinds(r)).toContain('no-key');
  });
});
