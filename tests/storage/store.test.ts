import { parseEntry, RECORDS, verifyChain } from '../../firmware/core/evidence';
import { StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream } from '../../host-sim/workload/recording';
import { listVolume } from '../../host-sim/flash/volume-files';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

function verify(rig: StorageRig) {
  return verifyChain(rig.entryFiles(), { checker: nodeChecker, deviceKey: rig.signer.publicKey });
}

describe('evidence store', () => {
  test('a fresh device: genesis entry with the device key and a cold boot; a recording; an orderly shutdown', () => {
    const rig = new StorageRig();
    const { store, clock } = rig;
    expect(store.boot.cause).toBe('cold');
    store.journal('officer', { name: '李明', certificate: '53032419001', unit: 'luoping', assignedBy: 'tech-01' });
    clock.advance(1000);
    store.beginRecording(1);
    store.journal('record-start', { recording: 1, trigger: 'button', preEventMs: 0, profile: 'qvga-3-16k' });
    new RecordingStream().run(store, clock, 5000);
    store.journal('record-stop', { recording: 1, cause: 'officer', durationMs: 5000 });
    store.endRecording();
    store.shutdown();

    const r = verify(rig);
    expect(r.problems).toEqual([]);
    expect(r.entries).toBe(2);
    const genesis = parseEntry(rig.entryFiles()[0].bytes);
    expect(genesis.records.map((s) => s.code)).toEqual([RECORDS['device-key'].code, RECORDS.boot.code, RECORDS.firmware.code, RECORDS.officer.code]);
    // 3 fps: frames at 0, 333, ... 4995 ms.
    expect(r.compliance.recordings[0]).toMatchObject({ recording: 1, frames: 16, mediaEntries: 1 });
    expect(r.compliance.recordings[0].audioMs).toBe(5000);
    // The layout: entries under ev/, the checkpoint under chain/, nothing open.
    const paths = listVolume(rig.lfs).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['chain/head', 'ev/0000000/0000000000.qce', 'ev/0000000/0000000001.qce']));
    expect(paths.some((p) => p.endsWith('.open'))).toBe(false);

    const store2 = rig.powerOn();
    expect(store2.boot).toMatchObject({ cause: 'cold', bootCount: 2, recovered: [] });
    expect(store2.head.nextSeq).toBe(2);
  });

  test('media entries roll over at their span; the chain has no gaps', () => {
    const rig = new StorageRig({ blockCount: 512, store: { maxEntryMs: 2000 } });
    rig.store.beginRecording(1);
    new RecordingStream().run(rig.store, rig.clock, 9000);
    rig.store.endRecording();
    const r = verify(rig);
    expect(r.problems).toEqual([]);
    expect(r.compliance.recordings[0].mediaEntries).toBeGreaterThanOrEqual(5);
  });

  test('committed bytes never lag the flush window', () => {
    const rig = new StorageRig({ store: { flushMs: 1000 } });
    const { store, clock } = rig;
    store.beginRecording(1);
    const stream = new RecordingStream();
    let worst = 0;
    let commits = 0;
    for (let t = 0; t < 8000; t += 50) {
      stream.run(store, clock, 50);
      const e = store.openEntry!;
      // Every uncommitted byte was written after the last commit.
      if (e.committed < e.bytes) worst = Math.max(worst, clock.mono() - e.committedAt);
      commits = e.syncs;
    }
    expect(worst).toBeLessThanOrEqual(1000);
    // ...and commits are not needlessly frequent: about two a second, on block boundaries.
    expect(commits).toBeGreaterThanOrEqual(8);
    expect(commits).toBeLessThanOrEqual(8 * 3);
  });

  test('journal entries are sealed once they age', () => {
    const rig = new StorageRig({ store: { journalSealMs: 5000 } });
    const { store, clock } = rig;
    const first = store.openEntry!.seq;
    clock.advance(6000);
    store.tick();
    expect(store.openEntry).toBeUndefined();
    expect(store.head.nextSeq).toBe(first + 1);
    store.journal('mark', { recording: 0, label: 'x' });
    expect(store.openEntry!.seq).toBe(first + 1);
  });

  test('the store has no way to delete or rewrite evidence', () => {
    const rig = new StorageRig();
    const names = Object.getOwnPropertyNames(Object.getPrototypeOf(rig.store));
    expect(names.filter((n) => /delete|remove|erase|truncate|rewrite|format/i.test(n))).toEqual([]);
  });
});

test('a recording can start before its button press: pre-event media keep their capture times', () => {
  const rig = new StorageRig();
  const { store, clock } = rig;
  clock.advance(40_000);
  const pressedAt = clock.mono();
  store.beginRecording(1, pressedAt - 30_000);
  // Frames captured 30 s and 10 s before the press, then one now.
  for (const at of [pressedAt - 30_000, pressedAt - 10_000, pressedAt]) store.media('video-frame', { frame: 0, width: 320, height: 240, format: 'jpeg', image: new Uint8Array(100) }, at);
  store.endRecording();
  const files = rig.entryFiles().filter((f) => f.path.endsWith('.qce'));
  const e = parseEntry(files[files.length - 1].bytes);
  expect(e.header.monoStart).toBe(pressedAt - 30_000);
  expect(e.header.wallStart).toBe(rig.clock.wall()! - 30_000);
  expect(e.records.map((r) => r.t)).toEqual([0, 20_000, 30_000]);
});
