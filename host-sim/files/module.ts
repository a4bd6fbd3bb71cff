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

function volume(): LfsDirectory {
  if (!current) throw new Error('embedded:storage/files: no volume mounted');
  return current;
}

const root: Directory = {
  openFile: (o: { path: string; mode?: FileMode }): File => volume().openFile(o),
  openDirectory: (o: { path: string }): Directory => volume().openDirectory(o),
  delete: (p: string): boolean => volume().delete(p),
  move: (a: string, b: string): void => volume().move(a, b),
  status: (p: string): Status => volume().status(p),
  createDirectory: (p: string): boolean => volume().createDirectory(p),
  scan: (p?: string) => volume().scan(p),
  [Symbol.iterator]: () => volume().scan(),
  close: () => undefined,
};

export default root;
