// Receipts: signed by the store's key over the receipt document, for the store's position.
import { readFileSync, statSync } from 'node:fs';
import { parseEntry, toHex } from '../../firmware/core/evidence';
import { decodeSignedReceipt } from '../../firmware/core/maintenance/receipt';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { checkReceipt, DirectoryStore, StoreRefusal } from '../../tools/store';
import { deviceSigner } from '../support/chain';
import { deviceChain, newStore, T0 } from './fixtures';

const chain = deviceChain();

describe('receipts', () => {
  const store = newStore('county-store-1');
  store.accept('QC-SAMPLE-01', chain.slice(0, 4));
  const first = store.receipt('QC-SAMPLE-01', T0 + 1000);
  store.accept('QC-SAMPLE-01', chain.slice(4));
  const second = store.receipt('QC-SAMPLE-01', T0 + 2000);

  test('each receipt decodes and verifies against the store\'s public key, for the position when it was issued', () => {
    const { publicKey } = store.identity();
    const a = checkReceipt(first, publicKey).body;
    expect(a).toEqual({ store: 'county-store-1', deviceId: 'QC-SAMPLE-01', throughSeq: 3, throughLink: parseEntry(chain[3].bytes).seal.link, entries: 4, bytes: chain.slice(0, 4).reduce((n, e) => n + e.bytes.length, 0), time: T0 + 1000 });
    const b = checkReceipt(second, publicKey).body;
    expect(b.throughSeq).toBe(chain.length - 1);
    expect(toHex(b.throughLink)).toBe(toHex(parseEntry(chain[chain.length - 1].bytes).seal.link));
    expect(b.entries).toBe(chain.length);
    expect(toHex(b.throughLink)).toBe(toHex(store.position('QC-SAMPLE-01')!.throughLink));
  });

  test('the signature is over the document: another key, or a changed document, does not verify', () => {
    const r = decodeSignedReceipt(second);
    expect(nodeChecker.verify(store.identity().publicKey, r.document, r.signature)).toBe(true);
    expect(nodeChecker.verify(deviceSigner.publicKey, r.document, r.signature)).toBe(false);
    const changed = second.slice();
    changed[changed.length - 64 - 8] ^= 1; // the time's low byte
    expect(() => checkReceipt(changed, store.identity().publicKey)).toThrow(/does not verify/);
    expect(() => checkReceipt(second, newStore('other').identity().publicKey)).toThrow(/does not verify/);
  });

  test('every receipt issued is kept, read-only, in the device\'s receipts directory', () => {
    const kept = store.receipts('QC-SAMPLE-01');
    expect(kept.map((p) => p.slice(p.lastIndexOf('/') + 1))).toEqual([`0000000003-${T0 + 1000}.qcr`, `00000000${String(chain.length - 1).padStart(2, '0')}-${T0 + 2000}.qcr`]);
    expect(Buffer.from(readFileSync(kept[0])).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(readFileSync(kept[1])).equals(Buffer.from(second))).toBe(true);
    expect(statSync(kept[0]).mode & 0o777).toBe(0o444);
  });

  test('the same receipt asked again is the one already issued, not a second signature', () => {
    expect(Buffer.from(store.receipt('QC-SAMPLE-01', T0 + 2000)).equals(Buffer.from(second))).toBe(true);
    expect(store.receipts('QC-SAMPLE-01')).toHaveLength(2);
  });

  test('the store reopened signs with the same key', () => {
    const again = DirectoryStore.open(store.dir);
    expect(toHex(again.identity().publicKey)).toBe(toHex(store.identity().publicKey));
    expect(checkReceipt(again.receipt('QC-SAMPLE-01', T0 + 3000), store.identity().publicKey).body.time).toBe(T0 + 3000);
  });

  test('no receipt for a device the store holds nothing of', () => {
    expect(() => store.receipt('QC-NOBODY', T0)).toThrow(StoreRefusal);
    expect(() => store.receipt('QC-NOBODY', T0)).toThrow(/unknown-device/);
  });
});
