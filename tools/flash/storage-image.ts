// The storage partition as it leaves the technician's station: a freshly formatted littlefs
// volume with the device's tuning (name_max 64 in its superblock), holding only the unit's
// provisioning file. Written before first boot so the device never has to format it
// (docs/DEVICE-BUILD.md, "the evidence volume must never be formatted").
import { CONFIG_DIR, PROVISIONING_PATH } from '../../firmware/core/maintenance/provisioning';
import { NorFlash } from '../../host-sim/flash/nor';
import { BLOCK_SIZE, storageLfsConfig } from '../../host-sim/flash/storage-volume';
import { Littlefs } from '../../host-sim/littlefs/index';

export function makeStorageImage(blockCount: number, provisioning: Uint8Array): Uint8Array {
  const nor = new NorFlash({ blockSize: BLOCK_SIZE, blockCount });
  const lfs = new Littlefs(storageLfsConfig(blockCount), nor);
  lfs.format();
  lfs.mount();
  lfs.mkdir(CONFIG_DIR);
  lfs.writeFile(PROVISIONING_PATH, provisioning);
  lfs.unmount();
  return nor.snapshot();
}
