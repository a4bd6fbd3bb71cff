// A broken offload resumes: the batch cut halfway and then sent again whole from the
// store's position gives a store byte for byte the same as an offload never cut — also
// when the cut fell between writing the objects and the index, or tore the index line.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSignedReceipt } from '../../firmware/core/maintenance/receipt';
import { DirectoryStore, ObjectStore, sha256Hex } from '../../tools/store';
import { tempDir } from '../support/cli';
import { deviceChain, fixedClock, newStore, snapshot, T0, type FileSnapshot } from './fixtures';

const chain = deviceChain();
const DEV = 'QC-SAMPLE-01';

/** Two copies of one new store (same key and manifest), each with its own clock. */
function twins(): [DirectoryStore, DirectoryStore, ReturnType<typeof fixedClock>, ReturnType<typeof fixedClock>] {
  const origin = newStore();
  const a = join(tempDir('twin'), 'a');
  const b = join(tempDir('twin'), 'b');
  cpSync(origin.dir, a, { recursive: true });
  cpSync(origin.dir, b, { recursive: true });
  const ca = fixedClock();
  const cb = fixedClock();
  return [DirectoryStore.open(a, { now: ca.now }), DirectoryStore.open(b, { now: cb.now }), ca, cb];
}

/** The store's files; receipts compared by their signed document (node:crypto ECDSA signs with a random nonce). */
function contents(store: DirectoryStore): Map<string, FileSnapshot> {
  const snap = snapshot(store.dir);
  for (const [path, f] of snap) {
    if (path.endsWith('.qcr')) snap.set(path, { mode: f.mode, bytes: Buffer.from(decodeSignedReceipt(Buffer.from(f.bytes, 'hex')).document).toString('hex') });
  }
  return snap;
}

describe('a broken offload, resumed, gives the same store as an unbroken one', () => {
  test('the batch cut halfway, then sent again whole', () => {
    const [whole, broken, , clock] = twins();
    whole.accept(DEV, chain.slice(0, 3));
    broken.accept(DEV, chain.slice(0, 3));
    // The second offload: entries 3.. in one batch; the broken one is cut after 4 entries.
    whole.accept(DEV, chain.slice(3));
    broken.accept(DEV, chain.slice(3, 7));
    clock.set(T0); // the resumed batch arrives at the same (injected) time
    const resumed = broken.accept(DEV, chain.slice(3));
    expect(resumed).toMatchObject({ added: chain.length - 7, resent: 4 });
    whole.receipt(DEV, T0 + 5000);
    broken.receipt(DEV, T0 + 5000);
    const a = contents(whole);
    const b = contents(broken);
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect(b).toEqual(a);
    expect(readFileSync(join(broken.dir, 'devices', DEV, 'index.jsonl'), 'utf8')).toBe(readFileSync(join(whole.dir, 'devices', DEV, 'index.jsonl'), 'utf8'));
  });

  test('the cut fell after the objects were written, before the index', () => {
    const [whole, broken] = twins();
    whole.accept(DEV, chain);
    broken.accept(DEV, chain.slice(0, 5));
    for (const e of chain.slice(5, 8)) broken.objects.put(e.bytes); // written, never indexed
    expect(broken.position(DEV)!.throughSeq).toBe(4);
    expect(broken.accept(DEV, chain.slice(5))).toMatchObject({ added: chain.length - 5, resent: 0 });
    expect(contents(broken)).toEqual(contents(whole));
  });

  test('the cut tore the index line being appended', () => {
    const [whole, broken] = twins();
    whole.accept(DEV, chain);
    broken.accept(DEV, chain.slice(0, 5));
    const index = join(broken.dir, 'devices', DEV, 'index.jsonl');
    writeFileSync(index, readFileSync(index, 'utf8') + '{"seq":5,"sha256":"ab', { flag: 'w' });
    for (const e of chain.slice(5, 6)) broken.objects.put(e.bytes);
    expect(broken.position(DEV)!.throughSeq).toBe(4);
    broken.accept(DEV, chain.slice(0));
    expect(contents(broken)).toEqual(contents(whole));
  });

  test('a cut offload leaves a store that still verifies object by object', () => {
    const [, broken] = twins();
    broken.accept(DEV, chain.slice(0, 6));
    for (const l of broken.held(DEV)) expect(sha256Hex(readFileSync(join(broken.dir, ObjectStore.relPath(l.sha256))))).toBe(l.sha256);
  });
});
