// The whole device in the simulator: firmware/main.ts on the simulated board.
import { verifyChain } from '../../firmware/core/evidence';
import { SimDevice } from '../../host-sim/device/sim-device';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { nodeChecker } from '../../tools/crypto/node-checker';

function chain(dev: SimDevice) {
  return readVolumeFiles(dev.lfs!, (p) => p.startsWith('ev/') || p.startsWith('open/'));
}

test('press record, the notice plays into the recording, press again: a verified recording', () => {
  const dev = new SimDevice({ deviceId: 'QC-DEV-0001', blockCount: 1024, preEventMs: 5000, start: Date.parse('2026-11-26T09:00:00+08:00'), seed: 1 });
  dev.powerOn();
  dev.runUntil(8000);
  dev.press('record', 120);
  dev.runUntil(30_000);
  dev.press('mark', 120);
  dev.runUntil(40_000);
  dev.press('record', 120);
  dev.runUntil(42_000);
  dev.switchOff();
  const r = verifyChain(chain(dev), { checker: nodeChecker, deviceKey: dev.signer.publicKey });
  expect(r.problems).toEqual([]);
  const rec = r.compliance.recordings[0];
  expect(rec.notice?.outcome).toBe('played');
  expect(rec.marks).toHaveLength(1);
  expect(rec.frames).toBeGreaterThan(90);
  expect(rec.audioMs).toBeGreaterThan(30_000);
  expect(dev.speaker.sampleCount).toBeGreaterThan(150_000);
  // The LED was on while recording.
  expect(dev.led.isOnAt(20_000)).toBe(true);
});
