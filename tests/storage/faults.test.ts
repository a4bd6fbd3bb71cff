// Flash faults below the filesystem: bad blocks are worked around; a bit that rots in a
// sealed entry on the chip is caught by verification, never passed off as evidence.
import { parseEntry, verifyChain } from '../../firmware/core/evidence';
import { StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream } from '../../host-sim/workload/recording';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

function record(rig: StorageRig, ms: number): void {
  rig.store.beginRecording(1);
  new RecordingStream().run(rig.store, rig.clock, ms);
  rig.store.endRecording();
  rig.store.shutdown();
}

test('bad blocks that fail to program are relocated by littlefs; the chain is intact', () => {
  const rig = new StorageRig({ blockCount: 256, seed: 3 });
  const bad = rig.nor.randomBadBlocks(6, 'prog-error', [0, 1]);
  record(rig, 8000);
  expect(rig.nor.counters.badBlockErrors).toBeGreaterThan(0);
  const r = verifyChain(rig.entryFiles(), { checker: nodeChecker, deviceKey: rig.signer.publicKey });
  expect(r.problems).toEqual([]);
  expect(bad).toHaveLength(6);
});

test('a bit flipped in a sealed entry on the chip is reported as modified', () => {
  const rig = new StorageRig({ blockCount: 256 });
  record(rig, 6000);
  const target = rig.entryFiles().find((f) => f.path.endsWith('0000000001.qce'))!;
  const e = parseEntry(target.bytes);
  // Find where a payload byte of the entry sits on the flash and flip one bit there.
  const needle = e.records[3].payload.subarray(100, 132);
  const image = rig.nor.image;
  let at = -1;
  for (let i = 0; i + needle.length <= image.length && at < 0; i++) {
    let ok = true;
    for (let k = 0; k < needle.length && ok; k++) ok = image[i + k] === needle[k];
    if (ok) at = i;
  }
  expect(at).toBeGreaterThanOrEqual(0);
  rig.nor.corrupt(at + 5, 0x10);
  rig.mount();
  const r = verifyChain(rig.entryFiles(), { checker: nodeChecker, deviceKey: rig.signer.publicKey });
  expect(r.ok).toBe(false);
  expect(r.problems).toEqual([expect.objectContaining({ kind: 'modified', seq: 1 })]);
});
