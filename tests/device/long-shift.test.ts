// A whole 12-hour shift on the simulated device (npm run test:deep: ~20 min on the host):
// memory stays bounded and the chain verifies. The default suite covers the parts that
// could grow (the pre-event buffer, tests/recorder/pre-event.test.ts).
import { verifyChain } from '../../firmware/core/evidence';
import { SimDevice } from '../../host-sim/device/sim-device';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { nodeChecker } from '../../tools/crypto/node-checker';

const DEEP = process.env.QUANCHENG_DEEP === '1';
const HOUR = 3600_000;

(DEEP ? test : test.skip)('a 12-hour shift: a recording every hour, memory bounded, the chain verifies', () => {
  const dev = new SimDevice({ deviceId: 'QC-LONG-001', blockCount: 4096, preEventMs: 30_000, start: Date.parse('2026-11-26T07:00:00+08:00'), seed: 12 });
  dev.powerOn();
  const heap: number[] = [];
  for (let h = 0; h < 12; h++) {
    const t0 = h * HOUR;
    dev.runUntil(t0 + 20 * 60_000);
    dev.press('record', 150);
    dev.runUntil(t0 + 20 * 60_000 + 40_000);
    dev.press('record', 150);
    dev.runUntil(t0 + HOUR);
    dev.battery.setCharge(1); // the officer swaps batteries as needed: this run is about memory
    heap.push(process.memoryUsage().heapUsed);
  }
  dev.switchOff();
  const r = verifyChain(readVolumeFiles(dev.lfs!, (p) => p.startsWith('ev/') || p.startsWith('open/')), { checker: nodeChecker, deviceKey: dev.signer.publicKey });
  expect(r.problems).toEqual([]);
  expect(r.compliance.recordings.length).toBe(12);
  // No growth with time: the last hours use no more heap than the first ones, give or take garbage not yet collected.
  expect(Math.max(...heap.slice(6)) - Math.max(...heap.slice(0, 6))).toBeLessThan(64 * 1024 * 1024);
});
