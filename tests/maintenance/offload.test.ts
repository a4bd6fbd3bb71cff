// Provision → record → offload → receipt → reclaim, end to end over the maintenance protocol.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decodePayload, parseEntry, RECORDS, verifyChain } from '../../firmware/core/evidence';
import { DeviceRefusal } from '../../tools/maintenance/client';
import { offload } from '../../tools/maintenance/offload';
import { checkDevice } from '../../tools/store';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { chainFiles, device, login, newStore, provisioning, record, START, TECH } from './fixture';
import { authenticate } from '../../tools/maintenance/technician';
import { SimTransport } from '../../host-sim/device/sim-transport';
import { MaintenanceClient } from '../../tools/maintenance/client';
import { LinkError } from '../../tools/maintenance/link';

function journal(dev: ReturnType<typeof device>, type: keyof typeof RECORDS) {
  const out = [];
  for (const f of chainFiles(dev)) {
    if (!f.path.endsWith('.qce')) continue;
    for (const r of parseEntry(f.bytes).records) if (r.code === RECORDS[type].code) out.push(decodePayload(r.code, r.t, r.payload));
  }
  return out;
}

/** Every file of a store, path → bytes, for comparing two stores. */
function storeFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p).toString('hex'));
    }
  };
  walk(dir);
  return out;
}

test('provisioned device: record, offload, the store receipt is checked and journaled, space reclaimed; a second offload continues the chain', async () => {
  const store = newStore();
  const dev = device(provisioning(store.identity().publicKey));
  dev.powerOn();
  dev.runUntil(3000);
  record(dev, 20);
  const { client, deviceId } = await login(dev);
  expect(deviceId).toBe('QC-MNT-0001');

  const before = dev.firmware!.store.space().freeBytes;
  const first = await offload(client, store, { deviceId, now: () => START + dev.scheduler.now(), reclaim: true });
  expect(first.entries).toBeGreaterThanOrEqual(2);
  expect(first.reclaimed!.entries).toBe(first.entries);
  expect(dev.firmware!.store.space().freeBytes).toBeGreaterThan(before);
  expect(journal(dev, 'offload-receipt')).toHaveLength(1);
  expect(journal(dev, 'space-reclaimed')[0].data).toMatchObject({ throughSeq: first.throughSeq, entries: first.entries });
  // The recording's offload deadline is met: no longer pending on the device.
  const status = await client.call({ cmd: 'status' });
  expect(status.head.deadlines).toEqual([]);
  expect((status.head.chain as { firstHeld: number }).firstHeld).toBe(first.throughSeq! + 1);

  // The device's remaining chain verifies on its own: it names the receipt as its anchor.
  dev.runUntil(dev.scheduler.now() + 2000);
  record(dev, 10);
  const onDevice = verifyChain(chainFiles(dev), { checker: nodeChecker });
  expect(onDevice.problems).toEqual([]);
  expect(onDevice.notes.join('\n')).toMatch(/offloaded to the designated store luoping-evidence/);

  const second = await offload(client, store, { deviceId, now: () => START + dev.scheduler.now(), reclaim: false });
  expect(second.entries).toBeGreaterThan(0);
  expect(store.position(deviceId)!.throughSeq).toBe(second.throughSeq);
  // The store's copy is the whole chain from genesis, intact.
  const check = checkDevice(store, deviceId);
  expect(check.problems).toEqual([]);
  expect(check.ok).toBe(true);
  client.close();
});

test('the store refuses an offload that skips or rewrites entries; the device refuses a receipt for links it does not have', async () => {
  const store = newStore();
  const dev = device(provisioning(store.identity().publicKey), 2);
  dev.powerOn();
  dev.runUntil(3000);
  record(dev, 8);
  const files = chainFiles(dev).filter((f) => f.path.startsWith('ev/')).sort((a, b) => a.path.localeCompare(b.path));
  const entries = files.map((f) => ({ seq: parseEntry(f.bytes).header.seq, bytes: f.bytes }));
  expect(() => store.accept('QC-MNT-0001', entries.slice(1))).toThrow(/refused|gap|entry/);
  store.accept('QC-MNT-0001', entries.slice(0, 2));
  const rewritten = entries[1].bytes.slice();
  rewritten[100] ^= 1;
  expect(() => store.accept('QC-MNT-0001', [{ seq: 1, bytes: rewritten }])).toThrow();
  // A receipt from another store is refused by the device, and the refusal journaled.
  const other = newStore();
  other.accept('QC-MNT-0001', entries.slice(0, 2));
  const { client } = await login(dev);
  await expect(client.call({ cmd: 'receipt' }, other.receipt('QC-MNT-0001', START))).rejects.toThrow(DeviceRefusal);
  // Reclaim without a receipt frees nothing.
  const r = await client.call({ cmd: 'reclaim' });
  expect(r.head.entries).toBe(0);
  dev.switchOff();
  expect(journal(dev, 'access-denied').some((r) => (r.data as { command: string }).command === 'receipt')).toBe(true);
  expect(journal(dev, 'offload-receipt')).toHaveLength(0);
});

test('an offload broken halfway and resumed gives the same store as an unbroken one', async () => {
  /** The same device (same seed) recording the same thing; offloaded whole, or cut after `cutAfter` bytes and resumed. */
  const run = async (cutAfter: number | undefined) => {
    const store = newStore();
    const dev = device(provisioning(store.identity().publicKey), 3, 2048);
    dev.powerOn();
    dev.runUntil(3000);
    record(dev, 70); // a 60 s media entry and the rest in a second one
    const options = { deviceId: 'QC-MNT-0001', now: () => START, reclaim: false, batchBytes: 64 * 1024 };
    if (cutAfter !== undefined) {
      const cut = new SimTransport(dev);
      cut.cutAfterBytes = cutAfter;
      const client = new MaintenanceClient(cut, { timeoutMs: 2000, retries: 0 });
      await authenticate(client, 'T-007', TECH.key);
      await expect(offload(client, store, options)).rejects.toThrow(LinkError);
      client.close();
      expect(store.position('QC-MNT-0001')!.throughSeq).toBeGreaterThanOrEqual(0);
    }
    const { client } = await login(dev);
    const result = await offload(client, store, options);
    return { store, result };
  };
  const whole = await run(undefined);
  const broken = await run(3_100_000);
  expect(broken.result.entries).toBeLessThan(whole.result.entries);
  // The stores' keys differ (each made its own), so compare what they hold: objects and index.
  const held = (dir: string) => [...storeFiles(dir)].filter(([p]) => p.startsWith('objects') || p.endsWith('index.jsonl'));
  expect(held(broken.store.dir)).toEqual(held(whole.store.dir));
});
