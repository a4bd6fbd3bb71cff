// The whole device in the simulator: firmware/main.ts on the simulated board.
import { decodePayload, HEADER_FLAG_CLOCK_UNSET, parseEntry, RECORDS, verifyChain } from '../../firmware/core/evidence';
import { findSignal } from '../hal/media/correlate';
import { SimDevice } from '../../host-sim/device/sim-device';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

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

test('an RTC that lost its backup supply: every entry says its wall-clock times are not to be trusted', () => {
  const dev = new SimDevice({ deviceId: 'QC-DEV-0002', blockCount: 512, preEventMs: 0, start: Date.parse('2026-11-26T09:00:00+08:00'), seed: 3, rtcLost: true });
  dev.powerOn();
  dev.runUntil(2000);
  dev.press('record', 120);
  dev.runUntil(8000);
  dev.press('record', 120);
  dev.runUntil(9000);
  dev.switchOff();
  const files = chain(dev);
  const r = verifyChain(files, { checker: nodeChecker, deviceKey: dev.signer.publicKey });
  expect(r.problems).toEqual([]);
  for (const f of files) expect(parseEntry(f.bytes).header.flags & HEADER_FLAG_CLOCK_UNSET).toBe(HEADER_FLAG_CLOCK_UNSET);
  expect(r.compliance.recordings[0].start!.at).toBeNull();
});

test('art. 12: the notice the speaker played is in the recording on flash (its samples are found in the recorded audio)', () => {
  const dev = new SimDevice({ deviceId: 'QC-DEV-0003', blockCount: 1024, preEventMs: 0, start: Date.parse('2026-11-26T09:00:00+08:00'), seed: 5 });
  dev.powerOn();
  dev.runUntil(2000);
  dev.press('record', 120);
  dev.runUntil(20_000);
  dev.press('record', 120);
  dev.runUntil(21_000);
  dev.switchOff();
  // The recording's audio as stored: its chunks in order, by first-sample index.
  const chunks = chain(dev)
    .filter((f) => f.path.endsWith('.qce'))
    .flatMap((f) => parseEntry(f.bytes).records)
    .filter((r) => r.code === RECORDS['audio-chunk'].code)
    .map((r) => decodePayload(r.code, r.t, r.payload))
    .map((r) => (r.type === 'audio-chunk' ? r.data : null)!);
  const total = chunks.reduce((n, c) => Math.max(n, c.firstSample + c.samples.length / 2), 0);
  const recorded = new Int16Array(total);
  for (const c of chunks) recorded.set(new Int16Array(c.samples.slice().buffer), c.firstSample);
  const notice = new Int16Array(dev.clips.notice.samples);
  const found = findSignal(notice, recorded);
  expect(found.ncc).toBeGreaterThan(0.9);
  // ...and the journal says which clip: its SHA-256.
  const r = verifyChain(chain(dev), { checker: nodeChecker, deviceKey: dev.signer.publicKey });
  expect(r.compliance.recordings[0].notice?.outcome).toBe('played');
});
