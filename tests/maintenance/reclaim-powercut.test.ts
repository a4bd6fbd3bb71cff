// Reclaim under power cuts: a cut anywhere in a reclaim loses no evidence that was not
// receipted, leaves a chain that verifies, and the next boot finishes the removals.
import { NO_SEQ, parseEntryName, verifyChain } from '../../firmware/core/evidence';
import { isPowerCut } from '../../host-sim/scenario/drive';
import { StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream } from '../../host-sim/workload/recording';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

/** A store with three recordings, a receipt covering the first two's entries. */
function prepared(): { rig: StorageRig; through: number } {
  const rig = new StorageRig({ blockCount: 512, store: { maxEntryMs: 3000 } });
  for (let r = 1; r <= 3; r++) {
    rig.store.beginRecording(r);
    new RecordingStream().run(rig.store, rig.clock, 7000);
    rig.store.endRecording();
    rig.clock.advance(1000);
  }
  const through = rig.store.head.nextSeq - 4;
  const link = rig.store.linkOf(through)!;
  rig.store.acceptReceipt({ store: 'luoping-evidence', throughSeq: through, throughLink: link, hash: new Uint8Array(32), signature: new Uint8Array(64) });
  return { rig, through };
}

function check(rig: StorageRig, through: number): void {
  const r = verifyChain(rig.entryFiles(), { checker: nodeChecker, deviceKey: rig.signer.publicKey });
  expect(r.problems).toEqual([]);
  // Nothing after the receipt's last entry is gone.
  expect(r.first! <= through + 1).toBe(true);
  expect(r.head!.seq).toBeGreaterThan(through);
}

test('an uncut reclaim frees the receipted entries only, and the chain left verifies from the receipt', () => {
  const { rig, through } = prepared();
  const entries = rig.store.entriesStored;
  const r = rig.store.reclaim();
  expect(r.throughSeq).toBe(through);
  expect(r.entries).toBe(through + 1);
  expect(rig.store.entriesStored).toBe(entries - r.entries + 1); // + the sealed journal entry
  expect(rig.store.firstHeld).toBe(through + 1);
  expect(rig.store.offload.reclaimedThrough).toBe(through);
  check(rig, through);
  // Reclaiming again frees nothing; a receipt cannot go back.
  expect(rig.store.reclaim().entries).toBe(0);
  expect(() => rig.store.acceptReceipt({ store: 's', throughSeq: 0, throughLink: new Uint8Array(32), hash: new Uint8Array(32), signature: new Uint8Array(64) })).toThrow(RangeError);
});

test('a power cut at every step of a reclaim: the next boot finishes it, the chain verifies', () => {
  const probe = prepared();
  const before = probe.rig.nor.counters.opIndex;
  probe.rig.store.reclaim();
  const ops = probe.rig.nor.counters.opIndex - before;
  expect(ops).toBeGreaterThan(5);
  const step = process.env.QUANCHENG_DEEP ? 1 : Math.max(1, Math.floor(ops / 12));
  let cuts = 0;
  for (let k = 0; k < ops; k += step) {
    const { rig, through } = prepared();
    rig.armPowerCut({ atOp: k, torn: true, seed: k });
    let cut = false;
    try {
      rig.store.reclaim();
    } catch (e) {
      if (!isPowerCut(e)) throw e;
      cut = true;
    }
    if (!cut) continue;
    cuts++;
    const store = rig.powerOn();
    check(rig, through);
    // If the decision was made before the cut, boot finished the removals.
    if (store.offload.reclaimedThrough !== NO_SEQ) {
      expect(store.firstHeld).toBe(through + 1);
      const left = rig.entryFiles().map((f) => parseEntryName(f.path)).filter((n) => n && n.sealed && n.seq <= through);
      expect(left).toEqual([]);
    }
  }
  expect(cuts).toBeGreaterThan(3);
});
