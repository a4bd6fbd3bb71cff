// The evidence volume as the device has it: littlefs on the NOR "storage" partition with
// the tuning the device build uses (manifest defines.file.lfs; FACTS "littlefs").
import { Littlefs, type LittlefsConfig } from '../littlefs/index';
import { NorFlash, type NorOptions } from './nor';

export const BLOCK_SIZE = 4096;

/** littlefs tuning for 4 KB-erase NOR, shared by the simulator, the tools and the device build. */
export const STORAGE_LFS_TUNING = {
  readSize: 16,
  progSize: 16,
  cacheSize: 512,
  lookaheadSize: 512,
  blockCycles: 500,
  nameMax: 64,
  // Bounds metadata compaction (littlefs #1079, #783): a pair never grows past 1 KB of its block.
  metadataMax: 1024,
} as const;

export function storageLfsConfig(blockCount: number): LittlefsConfig {
  return { blockSize: BLOCK_SIZE, blockCount, ...STORAGE_LFS_TUNING };
}

export interface StorageVolume {
  nor: NorFlash;
  lfs: Littlefs;
}

/** True when every byte of the partition is erased: a device that was never formatted. */
export function isBlank(nor: NorFlash): boolean {
  const img = nor.image;
  for (let i = 0; i < img.length; i++) if (img[i] !== 0xff) return false;
  return true;
}

/**
 * A NOR partition of `blockCount` 4 KB blocks with littlefs mounted on it. A blank flash is
 * formatted first (first boot of a new device). Anything else is mounted as it is: unlike
 * Moddable's files module, which formats a partition it cannot mount, evidence on a volume
 * that fails to mount must be kept for forensic reading, never wiped.
 */
export function openStorageVolume(options: Omit<NorOptions, 'blockSize'>): StorageVolume {
  const nor = new NorFlash({ ...options, blockSize: BLOCK_SIZE });
  const lfs = new Littlefs(storageLfsConfig(nor.geometry.blockCount), nor);
  if (isBlank(nor)) lfs.format();
  lfs.mount();
  return { nor, lfs };
}
