// Shared fixtures of the littlefs tests: the NOR-tuned geometry, a filesystem over a NorFlash,
// and a recursive listing.
import { NorFlash, type NorOptions } from '../../host-sim/flash/nor';
import { Littlefs, type LittlefsConfig } from '../../host-sim/littlefs/index';
import { Random } from '../../host-sim/random';

/** Geometry used by the tests: 4 KB erase blocks, the NOR tuning of FACTS.md, small partition. */
export function lfsConfig(blockCount: number, over: Partial<LittlefsConfig> = {}): LittlefsConfig {
  return {
    blockSize: 4096,
    blockCount,
    readSize: 16,
    progSize: 16,
    cacheSize: 512,
    lookaheadSize: 16,
    blockCycles: 500,
    nameMax: 64,
    ...over,
  };
}

export function makeFs(blockCount: number, nor: Partial<NorOptions> = {}, cfg: Partial<LittlefsConfig> = {}) {
  const config = lfsConfig(blockCount, cfg);
  const flash = new NorFlash({
    blockSize: config.blockSize,
    readSize: config.readSize,
    progSize: config.progSize,
    ...nor,
    blockCount,
  });
  const fs = new Littlefs(config, flash);
  return { flash, fs, config };
}

export interface Entry {
  path: string;
  type: 'file' | 'dir';
  size: number;
}

/** Every entry under `dir`, depth first, sorted by name within a directory. */
export function walk(fs: Littlefs, dir = ''): Entry[] {
  const out: Entry[] = [];
  const entries = fs.readdir(dir === '' ? '/' : dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = dir === '' ? e.name : `${dir}/${e.name}`;
    out.push({ path, type: e.type, size: e.size });
    if (e.type === 'dir') out.push(...walk(fs, path));
  }
  return out;
}

/** Deterministic content: `n` bytes from a seed (compressible data would hide nothing here). */
export function content(seed: number, n: number): Uint8Array {
  return new Random(seed).bytes(n);
}

export const enc = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Fast byte comparison for tests (jest's toEqual walks typed arrays element by element). */
export function expectBytes(actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  if (actual.length === expected.length && Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.length))) return;
  let i = 0;
  while (i < Math.min(actual.length, expected.length) && actual[i] === expected[i]) i++;
  throw new Error(`${what}: ${actual.length} bytes vs ${expected.length} expected, first difference at byte ${i}`);
}
