// Reading what is on a littlefs volume: every file with its path, as the tools and tests need.
import type { EntryFile } from '../../firmware/core/evidence';
import type { Littlefs } from '../littlefs/index';

export interface VolumeEntry {
  path: string;
  type: 'file' | 'dir';
  size: number;
}

/** Every file and directory under `dir`, depth first in name order, paths without a leading '/'. */
export function listVolume(lfs: Littlefs, dir = ''): VolumeEntry[] {
  const out: VolumeEntry[] = [];
  const entries = lfs.readdir(dir === '' ? '/' : dir).filter((e) => e.name !== '.' && e.name !== '..');
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = dir ? `${dir}/${e.name}` : e.name;
    out.push({ path, type: e.type, size: e.size });
    if (e.type === 'dir') out.push(...listVolume(lfs, path));
  }
  return out;
}

/** Every file's bytes. */
export function readVolumeFiles(lfs: Littlefs, filter: (path: string) => boolean = () => true): EntryFile[] {
  return listVolume(lfs)
    .filter((e) => e.type === 'file' && filter(e.path))
    .map((e) => ({ path: e.path, bytes: lfs.readFile(e.path) }));
}
