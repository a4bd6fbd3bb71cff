// A shift on a 32 GB card at vga-10-16k: no storage-full interruption, the chain verifies, and the
// store's RAM stays bounded (the card entries waiting for their flush, the bytes it keeps for a
// pulled card). The default suite records 30 minutes; npm run test:deep records the 12 hours.
import { verifyChain } from '../../firmware/core/evidence';
import { SECTORS_32GB } from '../../host-sim/card/sd-card';
import { StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream, VGA_PROFILE } from '../../host-sim/workload/recording';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

const DEEP = process.env.QUANCHENG_DEEP === '1';
const MINUTES = DEEP ? 12 * 60 : 30;

test(`${MINUTES} minutes of vga-10-16k on a 32 GB card`, () => {
  const rig = new StorageRig({ blockCount: 2048, card: { sectors: SECTORS_32GB, seed: 7 } });
  const { store, clock } = rig;
  store.beginRecording(1);
  const stream = new RecordingStream(VGA_PROFILE, 11);
  let heldWorst = 0;
  for (let m = 0; m < MINUTES; m++) {
    for (let s = 0; s < 60; s += 5) {
      stream.run(store, clock, 5000);
      const open = store.openEntry!;
      heldWorst = Math.max(heldWorst, open.bytes - open.durable);
    }
    expect(store.space().level).toBe('ok');
    // Entries sealed but not yet on the card: at most the one just sealed.
    expect(store.head.nextSeq - store.durableHead.nextSeq).toBeLessThanOrEqual(1);
  }
  store.endRecording();
  store.shutdown();
  expect(store.mediaLost.frames).toBe(0);
  // The bytes kept in RAM for a card pulled out stay within the queue and the flush window.
  expect(heldWorst).toBeLessThan(1024 * 1024);
  const r = verifyChain(rig.entryFiles(rig.slot!.card), { checker: nodeChecker, deviceKey: rig.signer.publicKey });
  expect(r.problems).toEqual([]);
  expect(r.compliance.recordings[0].frames).toBe(MINUTES * 600);
  expect(r.compliance.recordings[0].interruptions).toEqual([]);
}, 3_600_000);
