// Store test fixtures: stores in temporary directories with an injected clock, a device's
// chain as offload batches, entries sealed by another key, and a whole-directory snapshot.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildEntry, EntryKind, parseEntry, type EntryFile, type Signer } from '../../firmware/core/evidence';
import { DirectoryStore, type OffloadEntry } from '../../tools/store';
import { sampleChain } from '../support/chain';
import { tempDir } from '../support/cli';

export const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);

/** A clock that moves only when told: every received time and receipt is reproducible. */
export function fixedClock(start = T0): { now: () => number; set(t: number): void } {
  let t = start;
  return { now: () => t, set: (v) => (t = v) };
}

export function newStore(id = 'county-store-1', now = () => T0): DirectoryStore {
  return DirectoryStore.create(join(tempDir('store'), 's'), id, { now });
}

/** Entry files as a batch, in seq order. */
export function batchOf(files: readonly EntryFile[]): OffloadEntry[] {
  return files
    .map((f) => ({ seq: parseEntry(f.bytes).header.seq, bytes: f.bytes }))
    .sort((a, b) => a.seq - b.seq);
}

/** The sample chain (11 entries: three recordings) of device QC-SAMPLE-01. */
export function deviceChain(): OffloadEntry[] {
  return batchOf(sampleChain({ recordings: 3 }));
}

/** A journal entry at `seq` continuing `prev` (an entry of the chain), sealed by `signer`. */
export function entryAfter(prev: OffloadEntry, signer: Signer, deviceId = parseEntry(prev.bytes).header.deviceId): OffloadEntry {
  const p = parseEntry(prev.bytes);
  const seq = p.header.seq + 1;
  const header = { kind: EntryKind.Journal, flags: 0, deviceId, seq, session: 1, recording: 0, wallStart: p.header.wallStart + 10_000, monoStart: p.header.monoStart + 10_000, prevLink: p.seal.link };
  const { bytes } = buildEntry(header, [{ type: 'battery-low', t: 0, data: { millivolts: 3400, percent: 9, level: 'low' } }], signer, 5);
  return { seq, bytes };
}

export interface FileSnapshot {
  mode: number;
  bytes: string;
}

/** Every file under dir (relative path → mode and content as hex), directories included by mode. */
export function snapshot(dir: string): Map<string, FileSnapshot> {
  const out = new Map<string, FileSnapshot>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(join(dir, r));
      if (st.isDirectory()) {
        out.set(`${r}/`, { mode: st.mode & 0o777, bytes: '' });
        walk(r);
      } else out.set(r, { mode: st.mode & 0o777, bytes: readFileSync(join(dir, r)).toString('hex') });
    }
  };
  walk('');
  return out;
}
