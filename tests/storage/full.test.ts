// Storage full: recording stops with an interruption while there is room to seal and
// journal it; nothing is removed or overwritten.
import { bytesEqual, parseEntry, verifyChain } from '../../firmware/core/evidence';
import { StorageFullError } from '../../firmware/core/storage';
import { StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream } from '../../host-sim/workload/recording';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

test('filling the volume: media refused, interruption journaled, chain intact, nothing removed', () => {
  const rig = new StorageRig({ blockCount: 96, store: { maxEntryMs: 3000 } });
  const { store, clock } = rig;
  store.beginRecording(1);
  const stream = new RecordingStream();
  const sealedSoFar = new Map<number, Uint8Array>();
  let full: StorageFullError | undefined;
  for (let i = 0; i < 200 && !full; i++) {
    try {
      stream.run(store, clock, 500);
    } catch (e) {
      if (!(e instanceof StorageFullError)) throw e;
      full = e;
    }
    for (const f of rig.entryFiles()) if (f.path.endsWith('.qce')) sealedSoFar.set(parseEntry(f.bytes).header.seq, f.bytes);
  }
  expect(full).toBeDefined();
  expect(store.space().level).toBe('full');
  // What the recorder does on storage full (art. 13): an interruption, then the recording ends.
  store.journal('interruption', { recording: 1, interruption: 1, reason: 'storage-full', detail: full!.message });
  store.endRecording();
  // Still refused, still journaled.
  store.beginRecording(2);
  expect(() => store.media('video-frame', { frame: 0, width: 640, height: 480, format: 'jpeg', image: new Uint8Array(12000) })).toThrow(StorageFullError);
  store.journal('interruption', { recording: 2, interruption: 2, reason: 'storage-full', detail: 'still full' });
  store.endRecording();
  store.journal('deletion-refused', { target: 'all', via: 'button', requester: '' });
  store.shutdown();

  const files = rig.entryFiles();
  const r = verifyChain(files, { checker: nodeChecker, deviceKey: rig.signer.publicKey });
  expect(r.problems).toEqual([]);
  for (const [seq, bytes] of sealedSoFar) expect(bytesEqual(files.find((f) => parseEntry(f.bytes).header.seq === seq)!.bytes, bytes)).toBe(true);
  const rec1 = r.compliance.recordings.find((x) => x.recording === 1)!;
  expect(rec1.interruptions.map((i) => i.reason)).toEqual(['storage-full']);
  expect(rec1.flags.join()).toMatch(/never resumed: written report needed/);
  expect(r.compliance.events.map((e) => e.summary).join('\n')).toMatch(/storage full/);
  // The filesystem itself never ran out of room: the store stopped first.
  expect(rig.lfs.fsSize()).toBeLessThan(96);
  // And the device boots again on the full volume.
  const again = rig.powerOn();
  expect(again.boot.cause).toBe('cold');
});
