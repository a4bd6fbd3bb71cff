// The continuity rule: a store takes a device's entries only as the exact continuation of
// what it holds, re-sends of held entries change nothing, and every refusal writes nothing.
import { join } from 'node:path';
import { buildEntry, EntryKind, genesisLink, parseEntry, toHex, type EvidenceRecord, type Signer } from '../../firmware/core/evidence';
import { readIndex, StoreRefusal, type OffloadEntry } from '../../tools/store';
import { attackerSigner, deviceSigner, sampleChain } from '../support/chain';
import { batchOf, deviceChain, entryAfter, newStore, snapshot, T0 } from './fixtures';

const chain = deviceChain();
const linkOf = (e: OffloadEntry) => parseEntry(e.bytes).seal.link;
const size = (es: readonly OffloadEntry[]) => es.reduce((n, e) => n + e.bytes.length, 0);

/** Runs accept and returns the refusal it threw (failing the test if it accepted). */
function refusal(run: () => unknown): StoreRefusal {
  try {
    run();
  } catch (e) {
    if (e instanceof StoreRefusal) return e;
    throw e;
  }
  throw new Error('the batch was accepted');
}

describe('a store accepts a chain in batches', () => {
  test('two batches: the second continues where the first ended', () => {
    const store = newStore();
    expect(store.position('QC-SAMPLE-01')).toBeUndefined();
    const first = store.accept('QC-SAMPLE-01', chain.slice(0, 5));
    expect(first).toMatchObject({ deviceId: 'QC-SAMPLE-01', added: 5, resent: 0 });
    expect(first.position).toEqual({ throughSeq: 4, throughLink: linkOf(chain[4]), entries: 5, bytes: size(chain.slice(0, 5)) });
    const second = store.accept('QC-SAMPLE-01', chain.slice(5));
    expect(second).toMatchObject({ added: chain.length - 5, resent: 0 });
    expect(store.position('QC-SAMPLE-01')).toEqual({ throughSeq: chain.length - 1, throughLink: linkOf(chain[chain.length - 1]), entries: chain.length, bytes: size(chain) });
    expect(store.devices()).toEqual(['QC-SAMPLE-01']);
  });

  test('the index: one line per entry with its seq, SHA-256, link, size and received time; objects hold the exact bytes', () => {
    const store = newStore();
    store.accept('QC-SAMPLE-01', chain);
    const lines = readIndex(join(store.dir, 'devices', 'QC-SAMPLE-01', 'index.jsonl'));
    expect(lines.map((l) => l.seq)).toEqual(chain.map((e) => e.seq));
    for (const [i, l] of lines.entries()) {
      expect(l).toEqual({ seq: i, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), link: toHex(linkOf(chain[i])), bytes: chain[i].bytes.length, received: T0 });
      expect(Buffer.from(store.objects.read(l.sha256)).equals(Buffer.from(chain[i].bytes))).toBe(true);
    }
  });

  test('a re-send of held entries is accepted and changes nothing; held entries plus new ones add only the new', () => {
    const store = newStore();
    store.accept('QC-SAMPLE-01', chain.slice(0, 6));
    const before = snapshot(store.dir);
    expect(store.accept('QC-SAMPLE-01', chain.slice(2, 6))).toMatchObject({ added: 0, resent: 4 });
    expect(snapshot(store.dir)).toEqual(before);
    expect(store.accept('QC-SAMPLE-01', chain.slice(3, 9))).toMatchObject({ added: 3, resent: 3, position: { throughSeq: 8 } });
    expect(store.accept('QC-SAMPLE-01', [])).toMatchObject({ added: 0, resent: 0, position: { throughSeq: 8 } });
  });

  test('an entry sealed by the device key after the held chain is accepted (the control for the foreign-key refusal)', () => {
    const store = newStore();
    store.accept('QC-SAMPLE-01', chain);
    expect(store.accept('QC-SAMPLE-01', [entryAfter(chain[chain.length - 1], deviceSigner)]).added).toBe(1);
  });
});

describe('a store refuses, and writes nothing', () => {
  const cases: [string, (store: ReturnType<typeof newStore>) => unknown, string, number | null][] = [
    ['a batch that skips an entry', (s) => s.accept('QC-SAMPLE-01', chain.slice(6)), 'gap', 5],
    ['a batch with a hole inside', (s) => s.accept('QC-SAMPLE-01', [chain[5], chain[7], chain[8]]), 'gap', 6],
    ['a first offload that does not start at 0', (s) => s.accept('QC-NEW-03', batchOf(sampleChain({ deviceId: 'QC-NEW-03' })).slice(1)), 'gap', 0],
    ['a rewrite of a held entry with other bytes', (s) => s.accept('QC-SAMPLE-01', [{ seq: 3, bytes: chain[4].bytes }, chain[4], chain[5]]), 'rewrite', 3],
    ['a held entry with one byte changed', (s) => s.accept('QC-SAMPLE-01', [flip(chain[4], 300), chain[5]]), 'rewrite', 4],
    ['a re-ordered batch (seqs swapped)', (s) => s.accept('QC-SAMPLE-01', [chain[5], chain[7], chain[6]]), 'reordered', 6],
    ['a re-ordered batch (entries swapped under their seqs)', (s) => s.accept('QC-SAMPLE-01', [chain[5], { seq: 6, bytes: chain[7].bytes }, { seq: 7, bytes: chain[6].bytes }]), 'misplaced', 6],
    ['a duplicated entry', (s) => s.accept('QC-SAMPLE-01', [chain[5], chain[5]]), 'reordered', 6],
    ['a foreign device\'s entries', (s) => s.accept('QC-SAMPLE-01', batchOf(sampleChain({ deviceId: 'QC-OTHER-02', recordings: 3 })).slice(5)), 'foreign-device', 5],
    ['a foreign device\'s chain sent as this device\'s first offload', (s) => s.accept('QC-SAMPLE-02', batchOf(sampleChain({ recordings: 1 }))), 'foreign-device', 0],
    ['an entry signed by another key', (s) => s.accept('QC-SAMPLE-01', [chain[5], entryAfter(chain[5], attackerSigner)]), 'foreign-key', 6],
    ['an entry whose bytes were altered after sealing', (s) => s.accept('QC-SAMPLE-01', [chain[5], flip(chain[6], 200)]), 'modified', 6],
    ['an entry that does not link to the held chain', (s) => s.accept('QC-SAMPLE-01', batchOf(sampleChain({ recordings: 3, startTime: T0 })).slice(5, 7)), 'broken-link', 5],
    ['garbage', (s) => s.accept('QC-SAMPLE-01', [{ seq: 5, bytes: new Uint8Array(40) }]), 'malformed', 5],
    ['an empty batch for a device the store does not know', (s) => s.accept('QC-NEW-03', []), 'unknown-device', null],
    ['an invalid device id', (s) => s.accept('../etc', chain.slice(0, 1)), 'bad-device-id', null],
  ];

  test.each(cases)('%s', (_, run, reason, seq) => {
    const store = newStore();
    store.accept('QC-SAMPLE-01', chain.slice(0, 5));
    const before = snapshot(store.dir);
    const r = refusal(() => run(store));
    expect({ reason: r.reason, seq: r.seq }).toEqual({ reason, seq });
    expect(r.message.split('\n')).toHaveLength(1);
    expect(snapshot(store.dir)).toEqual(before);
    // The refused batch left the position where the next offload continues.
    expect(store.accept('QC-SAMPLE-01', chain.slice(5)).added).toBe(chain.length - 5);
  });

  test('a first offload whose entry 0 is sealed by a key other than the one it announces', () => {
    const store = newStore();
    const forged = entryZero([{ type: 'device-key', t: 0, data: { publicKey: deviceSigner.publicKey, store: 'software' } }], attackerSigner);
    expect(refusal(() => store.accept('QC-SAMPLE-01', [forged]))).toMatchObject({ reason: 'foreign-key', seq: 0 });
    expect(store.position('QC-SAMPLE-01')).toBeUndefined();
  });

  test('a chain whose entry 0 announces no key: the store cannot learn the device key', () => {
    const store = newStore();
    const noKey = entryZero([{ type: 'battery-low', t: 0, data: { millivolts: 3400, percent: 9, level: 'low' } }], deviceSigner);
    expect(refusal(() => store.accept('QC-SAMPLE-01', [noKey]))).toMatchObject({ reason: 'no-key', seq: 0 });
    expect(store.position('QC-SAMPLE-01')).toBeUndefined();
  });
});

function flip(e: OffloadEntry, at: number): OffloadEntry {
  const bytes = e.bytes.slice();
  bytes[at] ^= 1;
  return { seq: e.seq, bytes };
}

/** An entry 0 of QC-SAMPLE-01 with these records, sealed by signer. */
function entryZero(records: EvidenceRecord[], signer: Signer): OffloadEntry {
  const header = { kind: EntryKind.Journal, flags: 0, deviceId: 'QC-SAMPLE-01', seq: 0, session: 1, recording: 0, wallStart: T0, monoStart: 0, prevLink: genesisLink('QC-SAMPLE-01') };
  return { seq: 0, bytes: buildEntry(header, records, signer, 5).bytes };
}
