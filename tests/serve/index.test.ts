// The index database follows the object store: written after each accepted batch, equal to
// the index rebuilt from the objects alone, caught up after a crash between the two writes.
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import { directorySource } from '../../tools/serve/directory-source';
import { readIndexRows, rebuildIndex, recordingDeadline } from '../../tools/serve/index-rows';
import { IndexedStore } from '../../tools/serve/indexed-store';
import { createSchema } from '../../tools/serve/schema';
import { StoreRefusal } from '../../tools/store';
import { SqliteDb } from '../../tools/store/sql/sqlite-db';
import { sampleChain } from '../support/chain';
import { batchOf, deviceChain, newStore } from '../store/fixtures';

async function indexed() {
  const store = newStore();
  const db = SqliteDb.open(':memory:');
  await createSchema(db);
  return { store, db, indexed: new IndexedStore(store, directorySource(store), db) };
}

describe('the service index', () => {
  const a = deviceChain();
  const b = batchOf(sampleChain({ deviceId: 'QC-UNIT-02', signer: SoftSigner.fromSeed('unit-02'), recordings: 2 }));

  test('two units offloaded in batches: the index equals the one rebuilt from the objects', async () => {
    const { store, db, indexed: s } = await indexed();
    await s.accept('QC-SAMPLE-01', a.slice(0, 4));
    await s.accept('QC-UNIT-02', b);
    await s.accept('QC-SAMPLE-01', a); // a resent prefix and the rest
    const rows = await readIndexRows(db);
    expect(rows.entries.length).toBe(a.length + b.length);
    expect(rows).toEqual(await rebuildIndex(directorySource(store)));
    const recordings = rows.recordings.filter((r) => r.device_id === 'QC-SAMPLE-01');
    expect(recordings.length).toBe(3);
    for (const r of recordings) {
      expect(r.deadline).toBe(recordingDeadline(r.started));
      expect(r.last_seq).toBeGreaterThanOrEqual(r.first_seq);
    }
    await db.close();
  });

  test('a refused batch changes neither the objects nor the index', async () => {
    const { db, indexed: s } = await indexed();
    await s.accept('QC-SAMPLE-01', a.slice(0, 3));
    await expect(s.accept('QC-SAMPLE-01', a.slice(4))).rejects.toBeInstanceOf(StoreRefusal);
    expect((await readIndexRows(db)).entries.map((e) => e.seq)).toEqual([0, 1, 2]);
    await db.close();
  });

  test('entries the objects hold but the index missed (a crash between the writes) are caught up', async () => {
    const { store, db, indexed: s } = await indexed();
    await s.accept('QC-SAMPLE-01', a.slice(0, 5));
    store.accept('QC-SAMPLE-01', a); // straight to the objects: the index is behind
    expect((await readIndexRows(db)).entries.length).toBe(5);
    expect(await s.catchUp()).toBe(a.length - 5);
    expect(await readIndexRows(db)).toEqual(await rebuildIndex(directorySource(store)));
    await db.close();
  });

  test('the deadline is 7 working days after the day a recording starts, weekends not counted', () => {
    // Friday 2026-11-27 10:00 in China: seven working days later is Tuesday 2026-12-08, ending at its midnight.
    const friday = Date.UTC(2026, 10, 27, 2, 0, 0);
    expect(new Date(recordingDeadline(friday)).toISOString()).toBe('2026-12-08T16:00:00.000Z');
  });
});
