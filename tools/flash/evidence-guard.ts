// May a storage partition read back from a device be overwritten? Only if it provably holds
// no evidence: the flash is blank, or it is a littlefs volume whose only files are the ones
// this tool writes (config/). A volume that does not mount is not provably empty: it may be
// evidence littlefs cannot read today, so it is refused like evidence.
import { NorFlash } from '../../host-sim/flash/nor';
import { BLOCK_SIZE, isBlank, storageLfsConfig } from '../../host-sim/flash/storage-volume';
import { listVolume } from '../../host-sim/flash/volume-files';
import { Littlefs } from '../../host-sim/littlefs/index';
import { CONFIG_DIR } from '../../firmware/core/maintenance/provisioning';

export type StorageVerdict =
  | { overwrite: true; state: 'blank' | 'provisioned-only' }
  | { overwrite: false; reason: string };

export function judgeDeviceStorage(image: Uint8Array): StorageVerdict {
  if (image.length === 0 || image.length % BLOCK_SIZE) return { overwrite: false, reason: `read ${image.length} bytes, not whole 4 KB blocks` };
  const nor = new NorFlash({ blockSize: BLOCK_SIZE, blockCount: image.length / BLOCK_SIZE, image });
  if (isBlank(nor)) return { overwrite: true, state: 'blank' };
  let files;
  try {
    const lfs = new Littlefs(storageLfsConfig(image.length / BLOCK_SIZE), nor);
    lfs.mount();
    files = listVolume(lfs).filter((e) => e.type === 'file');
  } catch {
    return { overwrite: false, reason: 'the partition is not blank and does not mount as littlefs (it may hold evidence)' };
  }
  const other = files.filter((f) => !f.path.startsWith(CONFIG_DIR + '/'));
  if (other.length === 0) return { overwrite: true, state: 'provisioned-only' };
  const evidence = other.filter((f) => /^(ev|open|lost)\//.test(f.path)).length;
  return { overwrite: false, reason: `${evidence} evidence file(s), ${other.length} file(s) outside ${CONFIG_DIR}/` };
}
