// The device's own entry (firmware/device-main.ts) on the simulated board: the build's
// config, the clips as resources, the ATECC608 on the I2C bus signing the chain and checking
// the technician's login and the store's receipt in the chip.
import { verifyChain } from '../../firmware/core/evidence';
import { SimTransport } from '../../host-sim/device/sim-transport';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { MaintenanceClient } from '../../tools/maintenance/client';
import { offload } from '../../tools/maintenance/offload';
import { chainFiles, login, newStore, provisioning, record, START } from '../maintenance/fixture';
import { SimDevice } from '../../host-sim/device/sim-device';

test('device-main: a provisioned unit records, signs with its secure element, checks logins and receipts in the chip', async () => {
  const store = newStore();
  const dev = new SimDevice({ entry: 'device-main', provisioning: provisioning(store.identity().publicKey), blockCount: 1024, preEventMs: 5000, start: START, seed: 7 });
  const fw = dev.powerOn();
  expect(fw.provisioned).toBe(true);
  dev.runUntil(3000);
  record(dev, 25); // long enough for the whole notice
  const { client, deviceId } = await login(dev);
  expect(dev.secureElement.log).toContain('Verify'); // the login was checked by the chip
  const r = await offload(client, store, { deviceId, now: () => START + dev.scheduler.now(), reclaim: false });
  expect(r.entries).toBeGreaterThanOrEqual(2);
  expect(dev.secureElement.log.filter((op) => op === 'Verify').length).toBeGreaterThanOrEqual(2); // and the receipt
  client.close();
  dev.switchOff();
  const key = dev.secureElement.provisionedPublicKey()!;
  const v = verifyChain(chainFiles(dev), { checker: nodeChecker, deviceKey: key });
  expect(v.problems).toEqual([]);
  expect(v.compliance.recordings[0].notice?.outcome).toBe('played');
  // The pre-loaded provisioning took effect at first boot: the officer is in the recording.
  expect(v.compliance.recordings[0].officer).toMatchObject({ name: '李明', certificate: '53030012345' });
  // Not the simulator's software key: the chain is the chip's.
  expect(Buffer.from(key).equals(Buffer.from(dev.signer.publicKey))).toBe(false);
});

test('device-main: a build left UNPROVISIONED waits for provisioning and refuses to record', async () => {
  const dev = new SimDevice({ entry: 'device-main', blockCount: 512, preEventMs: 0, start: START, seed: 8 });
  const fw = dev.powerOn();
  expect(fw.provisioned).toBe(false);
  expect(() => fw.recorder).toThrow(/not provisioned/);
  dev.runUntil(2000);
  dev.press('record', 120);
  dev.runUntil(5000);
  expect(dev.lfs!.exists('ev')).toBe(false);
  const hello = await new MaintenanceClient(new SimTransport(dev)).call({ cmd: 'hello' });
  expect(hello.head).toMatchObject({ deviceId: null, provisioned: false });
});
