// A provisioned simulated device, a technician with a key, the unit's designated store, and
// the cable between them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Provisioning } from '../../firmware/core/maintenance/provisioning';
import { toHex } from '../../firmware/core/evidence/bytes';
import { SimDevice } from '../../host-sim/device/sim-device';
import { SimTransport } from '../../host-sim/device/sim-transport';
import { p256KeyObject } from '../../host-sim/keys/seeded-p256';
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import { MaintenanceClient } from '../../tools/maintenance/client';
import { authenticate } from '../../tools/maintenance/technician';
import { DirectoryStore, type EvidenceStoreBackend } from '../../tools/store';
import { offload } from '../../tools/maintenance/offload';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';

export const START = Date.parse('2026-11-26T09:00:00+08:00');

/** A technician key from a seed, as node:crypto KeyObject (PKCS#8 via JWK). */
export function technicianKey(seed: string): { key: KeyObject; publicKey: string } {
  const s = SoftSigner.fromSeed(seed);
  return { key: p256KeyObject(s.exportPrivateKey()), publicKey: toHex(s.publicKey) };
}

export const TECH = technicianKey('technician-wang');

export function provisioning(storePublicKey: Uint8Array, over: Partial<Provisioning> = {}): Provisioning {
  return {
    version: 1,
    deviceId: 'QC-MNT-0001',
    unit: '罗平县市场监督管理局',
    officer: { name: '李明', certificate: '53030012345' },
    technicians: [{ id: 'T-007', name: '王工', publicKey: TECH.publicKey }],
    store: { id: 'luoping-evidence', name: '罗平县执法记录存储', publicKey: toHex(storePublicKey) },
    mediaProfile: 'qvga-3-16k',
    preEventMs: 5000,
    continuous: false,
    allowClearRecording: true,
    provisionedBy: 'T-007',
    provisionedAt: START - 86_400_000,
    ...over,
  };
}

export function newStore(now = () => START): DirectoryStore {
  const dir = mkdtempSync(join(tmpdir(), 'qc-store-'));
  return DirectoryStore.create(join(dir, 'store'), 'luoping-evidence', { now });
}

export function device(p: Provisioning | undefined, seed = 1, blockCount = 1024): SimDevice {
  return new SimDevice({ provisioning: p, blockCount, preEventMs: 5000, start: START, seed });
}

/** A recording of `seconds`, started and ended by the officer. */
export function record(dev: SimDevice, seconds: number): void {
  const t = dev.scheduler.now();
  dev.press('record', 120);
  dev.runUntil(t + seconds * 1000);
  dev.press('record', 120);
  dev.runUntil(t + seconds * 1000 + 2000);
}

export async function login(dev: SimDevice): Promise<{ client: MaintenanceClient; transport: SimTransport; deviceId: string }> {
  const transport = new SimTransport(dev);
  const client = new MaintenanceClient(transport);
  const deviceId = await authenticate(client, 'T-007', TECH.key);
  return { client, transport, deviceId };
}

export function chainFiles(dev: SimDevice) {
  return readVolumeFiles(dev.lfs!, (p) => p.startsWith('ev/') || p.startsWith('open/'));
}

/**
 * Two simulated units, one after the other (the simulator's device modules are per process,
 * as on the hardware), each recording and offloading twice into `store` with reclaim; the
 * second offload of each must continue the chain the first left.
 */
export async function offloadTwoUnitsTwice(store: EvidenceStoreBackend, deviceIds: readonly string[] = ['QC-MNT-0001', 'QC-MNT-0002']): Promise<void> {
  for (const [i, deviceId] of deviceIds.entries()) {
    const dev = device(provisioning(store.identity().publicKey, { deviceId }), i + 1);
    dev.powerOn();
    dev.runUntil(3000);
    record(dev, 8);
    const { client } = await login(dev);
    const first = await offload(client, store, { deviceId, now: () => START + dev.scheduler.now(), reclaim: true });
    expect(first.reclaimed!.entries).toBe(first.entries);
    record(dev, 5);
    const second = await offload(client, store, { deviceId, now: () => START + dev.scheduler.now(), reclaim: true });
    expect(second.entries).toBeGreaterThan(0);
    expect(second.throughSeq).toBe(first.throughSeq! + second.entries);
    client.close();
    dev.switchOff();
  }
}
