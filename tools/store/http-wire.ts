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
  const view = new DataView(out.buffer);
  let at = 0;
  for (const e of entries) {
    view.setUint32(at, e.seq);
    view.setUint32(at + 4, e.bytes.length);
    out.set(e.bytes, at + 8);
    at += 8 + e.bytes.length;
  }
  return out;
}

/** Throws RangeError for a body that is not a whole batch. */
export function decodeBatch(body: Uint8Array): OffloadEntry[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out: OffloadEntry[] = [];
  for (let at = 0; at < body.length; ) {
    if (at + 8 > body.length) throw new RangeError(`batch cut off in an entry's seq and length at byte ${at}`);
    const seq = view.getUint32(at);
    const length = view.getUint32(at + 4);
    if (at + 8 + length > body.length) throw new RangeError(`batch cut off in entry ${seq}: ${length} bytes announced, ${body.length - at - 8} sent`);
    out.push({ seq, bytes: body.slice(at + 8, at + 8 + length) });
    at += 8 + length;
  }
  return out;
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
