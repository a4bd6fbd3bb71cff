// Offload (rule art. 14): every sealed entry the designated store does not hold yet, read
// off the device in chunks, handed to the store in batches it checks for continuity; then
// the store's signed receipt goes back to the device, which checks it against its own
// chain; and, if asked, the device reclaims the space the receipt covers. A broken link
// loses nothing: the store keeps what it accepted, and the next offload continues from it.
import type { EvidenceStoreBackend } from '../store/backend';
import { LIST_MAX, READ_MAX } from '../../firmware/core/maintenance/service';
import type { MaintenanceClient } from './client';

export interface OffloadOptions {
  deviceId: string;
  now(): number;
  reclaim: boolean;
  /** Entries handed to the store at once (bounded by bytes too). */
  batchBytes?: number;
  onProgress?(done: number, total: number): void;
}

export interface OffloadResult {
  entries: number;
  /** Entry bytes moved. */
  bytes: number;
  /** Last entry the store now holds (null: it holds none of this device's). */
  throughSeq: number | null;
  reclaimed: { entries: number; bytes: number } | null;
}

export async function offload(client: MaintenanceClient, store: EvidenceStoreBackend, o: OffloadOptions): Promise<OffloadResult> {
  const pos = await store.position(o.deviceId);
  const from = pos ? pos.throughSeq + 1 : 0;
  // What the device holds from there.
  const wanted: { seq: number; size: number }[] = [];
  for (let next = from; ; ) {
    const page = await client.call({ cmd: 'list', from: next, max: LIST_MAX });
    const entries = page.head.entries as [number, number][];
    for (const [seq, size] of entries) wanted.push({ seq, size });
    if (entries.length < LIST_MAX) break;
    next = entries[entries.length - 1][0] + 1;
  }
  if (wanted.length > 0 && wanted[0].seq !== from) throw new Error(`the device no longer holds entry ${from} (it starts at ${wanted[0].seq}); this store cannot continue its chain`);
  const total = wanted.reduce((a, e) => a + e.size, 0);
  const batchBytes = o.batchBytes ?? 1 << 20;
  let done = 0;
  let batch: { seq: number; bytes: Uint8Array }[] = [];
  let batched = 0;
  const flush = async () => {
    if (batch.length > 0) await store.accept(o.deviceId, batch);
    batch = [];
    batched = 0;
  };
  for (const e of wanted) {
    const bytes = new Uint8Array(e.size);
    for (let offset = 0; offset < e.size; ) {
      const chunk = await client.call({ cmd: 'read', seq: e.seq, offset, length: Math.min(READ_MAX, e.size - offset) });
      const body = chunk.body ?? new Uint8Array(0);
      if (body.length === 0) throw new Error(`entry ${e.seq} ended at ${offset} of ${e.size} bytes`);
      bytes.set(body, offset);
      offset += body.length;
      done += body.length;
      o.onProgress?.(done, total);
    }
    batch.push({ seq: e.seq, bytes });
    batched += e.size;
    if (batched >= batchBytes) await flush();
  }
  await flush();
  const held = await store.position(o.deviceId);
  if (!held) return { entries: 0, bytes: 0, throughSeq: null, reclaimed: null };
  await client.call({ cmd: 'receipt' }, await store.receipt(o.deviceId, o.now()));
  let reclaimed: OffloadResult['reclaimed'] = null;
  if (o.reclaim) {
    const r = await client.call({ cmd: 'reclaim' });
    reclaimed = { entries: Number(r.head.entries), bytes: Number(r.head.bytes) };
  }
  return { entries: wanted.length, bytes: total, throughSeq: held.throughSeq, reclaimed };
}
