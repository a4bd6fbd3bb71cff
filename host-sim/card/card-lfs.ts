// littlefs on a microSD card: the geometry and tuning the device's native module uses
// (native/card), shared by the simulator and the tools that read card images.
//
// - read/prog 512: the card's sector, the unit of every SD data transfer.
// - block 128 KiB (256 sectors): the card has its own translation layer, so littlefs's
//   "erase block" is only its allocation unit; a larger block keeps the lookahead bitmap of a
//   32 GB card small (243,000 blocks → 30 KB) and the CTZ pointer overhead per MB low.
// - cache 32 KiB: a frame's data goes to the card in sector-aligned writes of 32 KB (public
//   ESP32-S3 SDMMC measurements: ~1 MB/s in 1-bit mode at that size, far less below 4 KB).
// - lookahead covering the whole card: the first allocation after mount scans every file's
//   blocks once (littlefs #75); with the bitmap covering the card, that scan happens once.
// - block_cycles -1: the card levels its own wear.
// - metadata_max 8 KiB: bounds a metadata pair's compaction on the 128 KiB block.
import type { LittlefsConfig } from '../littlefs/index';

export const CARD_SECTOR = 512;
export const CARD_BLOCK_SIZE = 128 * 1024;

export const CARD_LFS_TUNING = {
  readSize: CARD_SECTOR,
  progSize: CARD_SECTOR,
  cacheSize: 32 * 1024,
  blockCycles: -1,
  nameMax: 64,
  metadataMax: 8 * 1024,
} as const;

/** littlefs's configuration for a card of `capacityBytes`. */
export function cardLfsConfig(capacityBytes: number): LittlefsConfig {
  const blockCount = Math.floor(capacityBytes / CARD_BLOCK_SIZE);
  return { blockSize: CARD_BLOCK_SIZE, blockCount, lookaheadSize: Math.ceil(blockCount / 64) * 8, ...CARD_LFS_TUNING };
}
