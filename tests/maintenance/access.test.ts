// Rule art. 16 on the maintenance port: nobody reads evidence, provisions or sets the clock
// without authenticating; deletion is refused to everyone; each refusal is journaled.
import { decodePayload, parseEntry, RECORDS, verifyChain } from '../../firmware/core/evidence';
import { encodeFrame, FrameKind, encodeMessage } from '../../firmware/core/maintenance/frame';
import { authDocument } from '../../firmware/core/maintenance/auth';
import { SimTransport } from '../../host-sim/device/sim-transport';
import { DeviceRefusal, MaintenanceClient } from '../../tools/maintenance/client';
import { authenticate, signWith } from '../../tools/maintenance/technician';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { chainFiles, device, login, newStore, provisioning, record, START, TECH, technicianKey } from './fixture';

function records(dev: ReturnType<typeof device>, type: keyof typeof RECORDS) {
  const out = [];
  for (const f of chainFiles(dev))
    if (f.path.endsWith('.qce')) for (const r of parseEntry(f.bytes).records) if (r.code === RECORDS[type].code) out.push(decodePayload(r.code, r.t, r.payload).data as Record<string, unknown>);
  return out;
}

test('unauthenticated list, read, time, receipt, reclaim and re-provisioning are refused and journaled; delete is refused even to a technician', async () => {
  const store = newStore();
  const p = provisioning(store.identity().publicKey);
  const dev = device(p, 4);
  dev.powerOn();
  dev.runUntil(3000);
  record(dev, 5);
  const client = new MaintenanceClient(new SimTransport(dev));
  const hello = await client.call({ cmd: 'hello' });
  expect(hello.head).toMatchObject({ deviceId: 'QC-MNT-0001', provisioned: true, technician: null });
  // status is open: it shows no evidence.
  expect((await client.call({ cmd: 'status' })).head).toMatchObject({ provisioned: true, recorder: { state: 'standby' } });
  const refused: string[] = [];
  for (const head of [{ cmd: 'list' }, { cmd: 'read', seq: 0 }, { cmd: 'time', time: START }, { cmd: 'receipt' }, { cmd: 'reclaim' }, { cmd: 'config' }, { cmd: 'provision', provisioning: p }]) {
    const e = await client.call(head).catch((x) => x);
    expect(e).toBeInstanceOf(DeviceRefusal);
    expect((e as DeviceRefusal).code).toBe('denied');
    refused.push(head.cmd);
  }
  // A stranger's key, a forged signature, a replayed answer: refused.
  const stranger = technicianKey('stranger');
  await expect(authenticate(client, 'T-007', stranger.key)).rejects.toThrow(/signature does not verify/);
  await expect(authenticate(client, 'T-999', TECH.key)).rejects.toThrow(/unknown technician/);
  const h = await client.call({ cmd: 'hello' });
  const sig = Buffer.from(signWith(TECH.key, authDocument('QC-MNT-0001', Buffer.from(String(h.head.challenge), 'hex')))).toString('hex');
  await client.call({ cmd: 'auth', technician: 'T-007', signature: sig });
  await client.call({ cmd: 'bye' });
  await expect(client.call({ cmd: 'auth', technician: 'T-007', signature: sig })).rejects.toThrow(/no challenge/);
  // Deletion: refused without and with authentication.
  await expect(client.call({ cmd: 'delete', target: 'ev/0000000/0000000001.qce' })).rejects.toMatchObject({ code: 'refused' });
  await authenticate(client, 'T-007', TECH.key);
  await expect(client.call({ cmd: 'delete', target: 'all' })).rejects.toMatchObject({ code: 'refused' });
  // The configuration in force is readable once logged in.
  expect((await client.call({ cmd: 'config' })).head).toMatchObject({ provisioning: { deviceId: 'QC-MNT-0001', store: { id: 'luoping-evidence' } }, continuous: false });
  // With the technician logged in, the clock can be set (journaled with old and new).
  const set = await client.call({ cmd: 'time', time: START + 3_600_000 });
  expect(set.head.newTime).toBe(START + 3_600_000);
  dev.switchOff();

  const denied = records(dev, 'access-denied').map((r) => r.command);
  for (const c of refused) expect(denied).toContain(c);
  expect(denied.filter((c) => String(c).startsWith('auth')).length).toBeGreaterThanOrEqual(3);
  expect(records(dev, 'deletion-refused').map((r) => [r.target, r.via, r.requester])).toEqual([
    ['ev/0000000/0000000001.qce', 'maintenance', 'unauthenticated'],
    ['all', 'maintenance', 'T-007'],
  ]);
  expect(records(dev, 'time-set').some((r) => r.source === 'technician' && r.newTime === START + 3_600_000)).toBe(true);
  expect(verifyChain(chainFiles(dev), { checker: nodeChecker }).problems).toEqual([]);
});

test('an unprovisioned device refuses to record; its first provisioning comes from the cable and starts the chain; later ones need a technician', async () => {
  const store = newStore();
  const dev = device(undefined, 5);
  dev.powerOn();
  dev.runUntil(2000);
  dev.press('record', 120);
  dev.runUntil(6000);
  expect(dev.firmware!.provisioned).toBe(false);
  expect(dev.lfs!.exists?.('ev') ?? false).toBe(false);
  const client = new MaintenanceClient(new SimTransport(dev));
  expect((await client.call({ cmd: 'hello' })).head).toMatchObject({ deviceId: null, provisioned: false });
  await expect(client.call({ cmd: 'list' })).rejects.toMatchObject({ code: 'denied' });
  const bad = await client.call({ cmd: 'provision', provisioning: { ...provisioning(store.identity().publicKey), deviceId: 'bad id!' } }).catch((e) => e);
  expect(bad.code).toBe('bad-request');
  expect(bad.message).toMatch(/deviceId/);
  await client.call({ cmd: 'provision', provisioning: provisioning(store.identity().publicKey, { deviceId: 'QC-NEW-0042' }) });
  expect(dev.firmware!.provisioned).toBe(true);
  // Now a second provisioning needs a technician; with one it is accepted and journaled.
  const p2 = provisioning(store.identity().publicKey, { deviceId: 'QC-NEW-0042', continuous: true });
  await expect(client.call({ cmd: 'provision', provisioning: p2 })).rejects.toMatchObject({ code: 'denied' });
  await authenticate(client, 'T-007', TECH.key);
  await client.call({ cmd: 'provision', provisioning: p2 });
  await expect(client.call({ cmd: 'provision', provisioning: { ...p2, deviceId: 'QC-OTHER' } })).rejects.toMatchObject({ code: 'refused' });
  dev.runUntil(dev.scheduler.now() + 1000);
  record(dev, 4);
  dev.switchOff();
  const r = verifyChain(chainFiles(dev), { checker: nodeChecker });
  expect(r.problems).toEqual([]);
  expect(r.deviceId).toBe('QC-NEW-0042');
  expect(r.compliance.recordings).toHaveLength(1);
  expect(records(dev, 'officer')[0]).toMatchObject({ name: '李明', certificate: '53030012345' });
  expect(records(dev, 'continuous-mode').map((m) => m.on)).toEqual([1]);
  expect(records(dev, 'config').map((c) => c.key)).toEqual(expect.arrayContaining(['unit', 'technicians', 'store']));
  // After a reboot the device is still provisioned (the file on flash), the chain continues.
  dev.powerOn();
  expect(dev.firmware!.provisioned).toBe(true);
  expect(dev.firmware!.store.head.nextSeq).toBeGreaterThan(0);
});

test('fuzz: random bytes, mutated and oversize frames never stop the device, never cost evidence, and it still answers', async () => {
  const store = newStore();
  const rounds = process.env.QUANCHENG_DEEP ? 3000 : 60;
  // Room for the whole run's recording (50 ms a round).
  const dev = device(provisioning(store.identity().publicKey), 6, rounds > 500 ? 4096 : 1024);
  dev.powerOn();
  dev.runUntil(2000);
  dev.press('record', 120);
  dev.runUntil(5000);
  const { client, transport } = await login(dev);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
  const valid = encodeFrame({ kind: FrameKind.Request, id: 77, payload: encodeMessage({ head: { cmd: 'status' } }) });
  for (let round = 0; round < rounds; round++) {
    const kind = round % 4;
    let bytes: Uint8Array;
    if (kind === 0) bytes = Uint8Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256));
    else if (kind === 1) {
      bytes = valid.slice();
      for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) bytes[Math.floor(rand() * bytes.length)] ^= 1 << Math.floor(rand() * 8);
    } else if (kind === 2) {
      bytes = valid.slice(0, 10);
      new DataView(bytes.buffer).setUint32(6, 0x7fffffff, true); // absurd length
    } else bytes = Uint8Array.of(0x51, 0x4d, 1, 1, 0, 0, 0xff, 0x3f, 0, 0); // a frame head promising 16 KB that never comes
    transport.write(bytes);
    dev.runUntil(dev.scheduler.now() + 50);
  }
  // The line goes quiet; after the inter-byte timeout the device listens afresh.
  dev.runUntil(dev.scheduler.now() + 3000);
  await transport.read(1); // drain answers to mutated frames that happened to stay valid
  const status = await client.call({ cmd: 'status' });
  expect(status.head.recorder).toMatchObject({ state: 'recording' });
  // The garbage reached the device and was skipped there, not lost on the way.
  expect(dev.firmware!.maintenancePort.skipped).toBeGreaterThan(rounds * 20);
  await client.call({ cmd: 'list' }); // still authenticated, still answering
  dev.press('record', 120);
  dev.runUntil(dev.scheduler.now() + 3000);
  dev.switchOff();
  const r = verifyChain(chainFiles(dev), { checker: nodeChecker });
  expect(r.problems).toEqual([]);
  expect(r.compliance.recordings).toHaveLength(1);
  expect(r.compliance.recordings[0].frames).toBeGreaterThan(20);
});
