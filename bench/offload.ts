// Offload over the simulated maintenance link: a provisioned device records, then a
// technician offloads everything to a designated store in-process, in virtual time. The
// figure is entry bytes delivered per second of modeled time ÷ the link's rate (8N1 at
// the port's baud): framing, requests, turnaround and the device's own work count against it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOARD } from '../hal/board';
import { SimDevice } from '../host-sim/device/sim-device';
import { SimTransport } from '../host-sim/device/sim-transport';
import { SoftSigner } from '../host-sim/keys/soft-signer';
import { toHex } from '../firmware/core/evidence/bytes';
import { MaintenanceClient } from '../tools/maintenance/client';
import { offload } from '../tools/maintenance/offload';
import { authenticate } from '../tools/maintenance/technician';
import { DirectoryStore } from '../tools/store';
import { createPrivateKey } from 'node:crypto';
import type { Figure } from './figure';

const START = Date.parse('2026-11-26T09:00:00+08:00');

export async function offloadThroughput(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'qc-bench-offload-'));
  try {
    const store = DirectoryStore.create(join(dir, 'store'), 'bench-store', { now: () => START });
    const tech = SoftSigner.fromSeed('bench-technician');
    const pub = tech.publicKey;
    const key = createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', d: Buffer.from(tech.exportPrivateKey()).toString('base64url'), x: Buffer.from(pub.subarray(1, 33)).toString('base64url'), y: Buffer.from(pub.subarray(33)).toString('base64url') },
      format: 'jwk',
    });
    const dev = new SimDevice({
      blockCount: 2048,
      preEventMs: 0,
      start: START,
      seed: 1,
      provisioning: {
        version: 1, deviceId: 'QC-BENCH-01', unit: 'bench', technicians: [{ id: 'T-1', name: 'bench', publicKey: toHex(pub) }],
        store: { id: 'bench-store', name: 'bench', publicKey: toHex(store.identity().publicKey) },
        mediaProfile: 'qvga-3-16k', preEventMs: 0, continuous: false, allowClearRecording: true, provisionedBy: 'T-1', provisionedAt: START,
      },
    });
    dev.powerOn();
    dev.runUntil(2000);
    dev.press('record', 120);
    dev.runUntil(92_000);
    dev.press('record', 120);
    dev.runUntil(94_000);
    const client = new MaintenanceClient(new SimTransport(dev));
    const deviceId = await authenticate(client, 'T-1', key);
    const t0 = dev.scheduler.now();
    const r = await offload(client, store, { deviceId, now: () => START + dev.scheduler.now(), reclaim: false });
    const seconds = (dev.scheduler.now() - t0) / 1000;
    const rate = BOARD.maintenance.baud / 10;
    const throughput = r.bytes / seconds;
    return [
      { figure: 'offload throughput (simulated link, modeled time)', value: throughput / 1000, unit: 'kB/s', aim: '', method: `${r.entries} entries, ${(r.bytes / 1e6).toFixed(2)} MB of a 90 s recording, list/read/receipt over the ${BOARD.maintenance.baud}-baud port, ${seconds.toFixed(1)} s modeled` },
      { figure: 'offload throughput ÷ modeled link rate', value: throughput / rate, unit: 'ratio', aim: '≥ 0.9', method: 'entry bytes per modeled second ÷ baud/10 (8N1); requests, frame heads and CRCs count against it', against: `the link's modeled rate, ${(rate / 1000).toFixed(1)} kB/s` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
