// Where each part goes on the XIAO ESP32S3 Sense's flash, from partitions.csv.
import { TABLE_OFFSET, tableEnd, type Partition } from './partition-csv';
import { SUBTYPE, TYPE } from './partition-types';
import { BLOCK_SIZE } from '../../host-sim/flash/storage-volume';

/** ESP32-S3R8 with 8 MB of flash (partitions.csv's header; docs/HARDWARE.md). */
export const FLASH_SIZE = 8 * 1024 * 1024;
/** The ESP32-S3 ROM loads the second-stage bootloader from 0x0 (the ESP32 from 0x1000). */
export const BOOTLOADER_OFFSET = 0x0;
export { TABLE_OFFSET };
/** Moddable's files module finds the volume by this name (esp_partition_find_first). */
export const STORAGE_NAME = 'storage';

export interface DeviceLayout {
  app: Partition;
  storage: Partition;
  storageBlocks: number;
}

export class LayoutError extends Error {}

export function deviceLayout(rows: readonly Partition[], flashSize = FLASH_SIZE): DeviceLayout {
  const end = tableEnd(rows);
  if (end > flashSize) throw new LayoutError(`partitions end at 0x${end.toString(16)}, past the ${flashSize / 1048576} MB flash`);
  const app = rows.find((r) => r.type === TYPE.app && r.subtype === SUBTYPE[TYPE.app].factory);
  if (!app) throw new LayoutError('no factory app partition');
  const storage = rows.find((r) => r.name === STORAGE_NAME);
  if (!storage || storage.type !== TYPE.data) throw new LayoutError(`no data partition named ${STORAGE_NAME}`);
  if (storage.size % BLOCK_SIZE) throw new LayoutError(`${STORAGE_NAME} is not a whole number of ${BLOCK_SIZE}-byte blocks`);
  return { app, storage, storageBlocks: storage.size / BLOCK_SIZE };
}
