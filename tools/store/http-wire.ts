// The offload API's wire format, shared by the service (tools/serve) and HttpStoreBackend:
//   GET  /api/identity                        {"id", "publicKey": hex}
//   POST /api/login                           {"name", "password"} -> {"token", "role", "expires"}
//   GET  /api/devices/ID/position             {"position": null | {throughSeq, throughLink: hex, entries, bytes}}
//   POST /api/devices/ID/entries              a batch (below) -> {"added", "resent", "position"}
//   POST /api/devices/ID/receipt?time=MS      the signed receipt's bytes
// A batch is the entries back to back, each as u32 seq, u32 length (big-endian), bytes.
// A refusal is HTTP 400 (bad-device-id), 404 (unknown-device) or 409 (any other), with
// {"error": "refused", "reason", "seq", "message"}.
import { fromHex, toHex } from '../../firmware/core/evidence';
import type { OffloadEntry, StorePosition } from './backend';
import type { RefusalReason } from './errors';

/** The largest batch the service reads: the offload's batches are about 1 MiB. */
export const MAX_BATCH_BYTES = 64 << 20;

export function encodeBatch(entries: readonly OffloadEntry[]): Uint8Array {
  const size = entries.reduce((n, e) => n + 8 + e.bytes.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const e of entries) {
    out.set(batchHead(e), at);
    out.set(e.bytes, at + 8);
    at += 8 + e.bytes.length;
  }
  return out;
}

/** The 8 bytes before an entry in a batch: seq and length, u32 big-endian. */
export function batchHead(e: OffloadEntry): Uint8Array {
  const h = new Uint8Array(8);
  new DataView(h.buffer).setUint32(0, e.seq);
  new DataView(h.buffer).setUint32(4, e.bytes.length);
  return h;
}

/** A batch over the limit (413 from the service). */
export class BatchTooLarge extends RangeError {}

/**
 * The entries of a batch as its bytes arrive, each copied once into its own array, so the
 * store can check and write the first entries while the rest is still on the wire. Throws
 * RangeError for a body that is not a whole batch, BatchTooLarge past `limit` bytes.
 */
export async function* readBatch(body: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<OffloadEntry> {
  const head = new Uint8Array(8);
  let headFill = 0;
  let entry: Uint8Array | undefined;
  let fill = 0;
  let seq = 0;
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > limit) throw new BatchTooLarge(`body over the limit of ${limit} bytes`);
    for (let i = 0; i < chunk.length; ) {
      if (!entry) {
        const n = Math.min(8 - headFill, chunk.length - i);
        head.set(chunk.subarray(i, i + n), headFill);
        headFill += n;
        i += n;
        if (headFill < 8) continue;
        const view = new DataView(head.buffer);
        seq = view.getUint32(0);
        const length = view.getUint32(4);
        if (length > limit) throw new BatchTooLarge(`entry ${seq} announces ${length} bytes, over the limit of ${limit}`);
        entry = new Uint8Array(length);
        headFill = fill = 0;
      }
      const n = Math.min(entry.length - fill, chunk.length - i);
      entry.set(chunk.subarray(i, i + n), fill);
      fill += n;
      i += n;
      if (fill === entry.length) {
        yield { seq, bytes: entry };
        entry = undefined;
      }
    }
  }
  if (headFill > 0) throw new RangeError(`batch cut off in an entry's seq and length at byte ${total - headFill}`);
  if (entry) throw new RangeError(`batch cut off in entry ${seq}: ${entry.length} bytes announced, ${fill} sent`);
}

export interface WirePosition {
  throughSeq: number;
  throughLink: string;
  entries: number;
  bytes: number;
}

export function positionToWire(p: StorePosition | undefined): WirePosition | null {
  return p ? { throughSeq: p.throughSeq, throughLink: toHex(p.throughLink), entries: p.entries, bytes: p.bytes } : null;
}

export function positionFromWire(p: WirePosition | null): StorePosition | undefined {
  return p ? { throughSeq: p.throughSeq, throughLink: fromHex(p.throughLink), entries: p.entries, bytes: p.bytes } : undefined;
}

export function refusalStatus(reason: RefusalReason): number {
  return reason === 'bad-device-id' ? 400 : reason === 'unknown-device' ? 404 : 409;
}
