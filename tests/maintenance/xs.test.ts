// The maintenance protocol's device side in the real XS engine: login, offload, the store's
// receipt and reclaim, with the same tool code as against the Node engine.
import { verifyChain } from '../../firmware/core/evidence';
import { XsDevice } from '../../host-sim/xs/device-host';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { offload } from '../../tools/maintenance/offload';
import { checkDevice } from '../../tools/store';
import { chainFiles, login, newStore, provisioning, record, START } from './fixture';

test('XS engine: provisioned device records, is offloaded, checks the receipt and reclaims', async () => {
  const store = newStore();
  const xs = new XsDevice({ provisioning: provisioning(store.identity().publicKey), blockCount: 1024, preEventMs: 5000, start: START, seed: 11 });
  try {
    xs.powerOn();
    const dev = xs.sim;
    dev.runUntil(3000);
    record(dev, 8);
    const { client, deviceId } = await login(dev);
    const r = await offload(client, store, { deviceId, now: () => START + dev.scheduler.now(), reclaim: true });
    expect(r.entries).toBeGreaterThanOrEqual(2);
    expect(r.reclaimed!.entries).toBe(r.entries);
    await expect(client.call({ cmd: 'delete', target: 'everything' })).rejects.toMatchObject({ code: 'refused' });
    client.close();
    xs.switchOff();
    expect(checkDevice(store, deviceId).ok).toBe(true);
    const v = verifyChain(chainFiles(dev), { checker: nodeChecker });
    expect(v.problems).toEqual([]);
    expect(v.notes.join('\n')).toMatch(/reclaimed on the device/);
  } finally {
    xs.close();
  }
}, 120_000);
