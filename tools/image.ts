// Reading a storage partition image (what `esptool read_flash` of the "storage" partition
// gives) with the real littlefs, in memory: the image file itself is never written.
import { readFileSync, statSync } from 'node:fs';
import type { EntryFile } from '../firmware/core/evidence';
import { NorFlash } from '../host-sim/flash/nor';
import { BLOCK_SIZE, storageLfsConfig } from '../host-sim/flash/storage-volume';
import { listVolume, readVolumeFiles, type VolumeEntry } from '../host-sim/flash/volume-files';
import { Littlefs } from '../host-sim/littlefs/index';
import { UsageError } from './errors';

export interface OpenedImage {
  lfs: Littlefs;
  blocks: number;
  entries: VolumeEntry[];
}

export function openImage(path: string, command: string): OpenedImage {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`${command}: ${path} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${command}: ${path}: no such file`);
  }
  if (size === 0 || size % BLOCK_SIZE !== 0) throw new UsageError(`${command}: ${path}: ${size} bytes is not a whole number of ${BLOCK_SIZE}-byte blocks (not a storage partition image)`);
  const nor = new NorFlash({ blockSize: BLOCK_SIZE, blockCount: size / BLOCK_SIZE, image: new Uint8Array(readFileSync(path)) });
  const lfs = new Littlefs(storageLfsConfig(size / BLOCK_SIZE), nor);
  try {
    lfs.mount();
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error';
    throw new UsageError(`${command}: ${path}: not a readable littlefs volume of ${size / BLOCK_SIZE} × ${BLOCK_SIZE}-byte blocks (${code})`);
  }
  try {
    // Completes, in memory only, a rename a power cut interrupted (littlefs hides the entry otherwise).
    lfs.fsMkconsistent();
    return { lfs, blocks: size / BLOCK_SIZE, entries: listVolume(lfs) };
  } catch (e) {
    throw new UsageError(`${command}: ${path}: littlefs volume is damaged (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
}

/** The evidence entry files in an image. */
export function imageEntryFiles(path: string, command: string): EntryFile[] {
  const { lfs } = openImage(path, command);
  try {
    return readVolumeFiles(lfs, (p) => p.startsWith('ev/') || p.startsWith('open/'));
  } catch (e) {
    throw new UsageError(`${command}: ${path}: cannot read the volume's files (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
}
