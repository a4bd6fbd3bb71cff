// A simulated device's own chain (the built-in notice scenario) offloads into a store in
// two batches and re-verifies from the store's objects.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEntryName } from '../../firmware/core/evidence';
import { resolveScenario } from '../../host-sim/scenario/builtin';
import { runScenario } from '../../host-sim/scenario/run';
import { imageEntryFiles } from '../../tools/image';
import { checkDevice, checkReceipt } from '../../tools/store';
import { tempDir } from '../support/cli';
import { newStore, T0 } from './fixtures';

test('the notice scenario\'s chain, offloaded in two batches, verifies in the store', () => {
  const run = runScenario(resolveScenario('notice'), { seed: 1 });
  const image = join(tempDir('scenario'), 'flash.img');
  writeFileSync(image, run.image);
  const entries = imageEntryFiles(image, 'test')
    .map((f) => ({ name: parseEntryName(f.path), bytes: f.bytes }))
    .filter((f) => f.name?.sealed)
    .map((f) => ({ seq: f.name!.seq, bytes: f.bytes }))
    .sort((a, b) => a.seq - b.seq);
  expect(entries.length).toBeGreaterThan(2);
  const half = Math.floor(entries.length / 2);
  const store = newStore();
  const deviceId = run.report.deviceId;
  store.accept(deviceId, entries.slice(0, half));
  expect(store.accept(deviceId, entries).added).toBe(entries.length - half);
  const receipt = checkReceipt(store.receipt(deviceId, T0), store.identity().publicKey).body;
  expect(receipt.throughSeq).toBe(run.report.head!.seq);
  expect(Buffer.from(receipt.throughLink).toString('hex')).toBe(run.report.head!.hash);
  expect(checkDevice(store, deviceId)).toMatchObject({ ok: true, problems: [] });
});
