// Re-verifies what a store holds, from its objects alone: each object against its name,
// each device's chain with the evidence verifier from genesis, the index against the
// entries, and every receipt kept against the store key and the held chain.
import { bytesEqual, entryPath, FormatError, parseEntry, toHex, verifyChain, VerifyInputError, type EntryFile } from '../../firmware/core/evidence';
import { decodeSignedReceipt } from '../../firmware/core/maintenance/receipt';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { sha256Hex } from './continuity';
import type { DirectoryStore } from './directory-store';
import { StoreError } from './errors';
import { ObjectStore } from './objects';
import type { IndexLine } from './device-index';

export interface DeviceCheck {
  deviceId: string;
  ok: boolean;
  entries: number;
  /** The held chain's last entry, from the index. */
  through: { seq: number; link: string } | null;
  receipts: number;
  /** One line each, naming the seq or file concerned. */
  problems: string[];
}

export function checkDevice(store: DirectoryStore, deviceId: string): DeviceCheck {
  const problems: string[] = [];
  let lines: IndexLine[];
  try {
    lines = store.held(deviceId);
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    return { deviceId, ok: false, entries: 0, through: null, receipts: store.receipts(deviceId).length, problems: [`index: ${e.message}`] };
  }
  const files: EntryFile[] = [];
  for (const l of lines) {
    let bytes: Uint8Array;
    try {
      bytes = store.objects.readUnchecked(l.sha256);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      problems.push(`entry ${l.seq}: ${e.message}`);
      continue;
    }
    const rel = ObjectStore.relPath(l.sha256);
    if (sha256Hex(bytes) !== l.sha256) problems.push(`entry ${l.seq}: ${rel} altered (its SHA-256 no longer matches its name)`);
    else if (bytes.length !== l.bytes) problems.push(`entry ${l.seq}: index says ${l.bytes} bytes, ${rel} has ${bytes.length}`);
    else {
      try {
        if (toHex(parseEntry(bytes).seal.link) !== l.link) problems.push(`entry ${l.seq}: index link differs from the entry's seal link`);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e; // the verifier below names it
      }
    }
    // The verifier sees the entries where a device keeps them, so its findings name seqs.
    files.push({ path: entryPath(l.seq), bytes });
  }
  const last = lines[lines.length - 1];
  if (files.length > 0) {
    try {
      const report = verifyChain(files, { checker: nodeChecker, expectHead: last && { seq: last.seq, link: last.link } });
      for (const p of report.problems) problems.push(`${p.seq === null ? '' : `entry ${p.seq}: `}${p.kind}: ${p.detail}`);
    } catch (e) {
      if (!(e instanceof VerifyInputError)) throw e;
      problems.push(`chain: ${e.message}`);
    }
  }
  const receipts = store.receipts(deviceId);
  for (const path of receipts) problems.push(...checkKeptReceipt(store, deviceId, path, lines));
  problems.sort(bySeq);
  return { deviceId, ok: problems.length === 0, entries: lines.length, through: last ? { seq: last.seq, link: last.link } : null, receipts: receipts.length, problems };
}

function checkKeptReceipt(store: DirectoryStore, deviceId: string, path: string, lines: readonly IndexLine[]): string[] {
  const name = `receipt ${basename(path)}`;
  let r;
  try {
    r = decodeSignedReceipt(new Uint8Array(readFileSync(path)));
  } catch (e) {
    return [`${name}: ${(e as Error).message}`];
  }
  const id = store.identity();
  const out: string[] = [];
  if (!nodeChecker.verify(id.publicKey, r.document, r.signature)) out.push(`${name}: signature does not verify under the store key`);
  if (r.body.store !== id.id || r.body.deviceId !== deviceId) out.push(`${name}: issued by ${r.body.store} for ${r.body.deviceId}, not by this store for ${deviceId}`);
  const at = lines[r.body.throughSeq];
  if (!at || !bytesEqual(r.body.throughLink, Buffer.from(at.link, 'hex'))) out.push(`${name}: covers entry ${r.body.throughSeq} with a link the store does not hold`);
  return out;
}

function bySeq(a: string, b: string): number {
  const n = (s: string) => Number(/^entry (\d+)/.exec(s)?.[1] ?? -1);
  return n(a) - n(b);
}
