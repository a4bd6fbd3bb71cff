// The host's "embedded:storage/files" module. On the device its default export is the root
// of the one littlefs volume; in the simulator the device being simulated mounts its volume
// here (useVolume) before its firmware runs, and every call goes to that volume.
import type { Directory, File, FileMode, Status } from 'embedded:storage/files';
import type { Littlefs } from '../littlefs/index';
import { LfsDirectory } from './lfs-directory';

let current: LfsDirectory | undefined;

/** Makes `fs` (mounted) the volume behind the module's root. */
export function useVolume(fs: Littlefs | undefined): void {
  current = fs ? new LfsDirectory(fs) : undefined;
}

function mounted(): LfsDirectory {
  if (!current) throw new Error('embedded:storage/files: no volume mounted');
  return current;
}

const root: Directory = {
  openFile: (o: { path: string; mode?: FileMode }): File => mounted().openFile(o),
  openDirectory: (o: { path: string }): Directory => mounted().openDirectory(o),
  delete: (p: string): boolean => mounted().delete(p),
  move: (a: string, b: string): void => mounted().move(a, b),
  status: (p: string): Status => mounted().status(p),
  createDirectory: (p: string): boolean => mounted().createDirectory(p),
  scan: (p?: string) => mounted().scan(p),
  [Symbol.iterator]: () => mounted().scan(),
  close: () => undefined,
};

export default root;

/** How the simulated volume came up (the device's files module says so too): the simulator mounts or formats a blank flash before the firmware runs. */
export const volume = 'mounted';
