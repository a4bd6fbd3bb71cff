// Reading a storage partition image (what `esptool read_flash` of the "storage" partition
// gives) with the real littlefs, in memory: the image file itself is never written.
import { readFileSync, statSync } from 'node:fs';
import { joinSplitEntries, type EntryFile } from '../firmware/core/evidence';
import { CARD_BLOCK_SIZE, cardLfsConfig } from '../host-sim/card/card-lfs';
import { ImageBlockDevice } from '../host-sim/card/image-device';
import { NorFlash } from '../host-sim/flash/nor';
import { BLOCK_SIZE, storageLfsConfig } from '../host-sim/flash/storage-volume';
import { listVolume, readVolumeFiles, type VolumeEntry } from '../host-sim/flash/volume-files';
import { Littlefs } from '../host-sim/littlefs/index';
import { UsageError } from './errors';

export interface OpenedImage {
  lfs: Littlefs;
  blocks: number;
  blockSize: number;
  /** A microSD card image (littlefs on 512-byte sectors, 128 KiB blocks), or the unit's storage partition. */
  kind: 'card' | 'internal';
  entries: VolumeEntry[];
}

/** Larger than any internal storage partition (the S3's flash is 8 or 16 MB): a card image. */
const CARD_IMAGE_MIN = 32 * 1024 * 1024;

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
  const card = size > CARD_IMAGE_MIN;
  const blockSize = card ? CARD_BLOCK_SIZE : BLOCK_SIZE;
  if (size === 0 || size % blockSize !== 0)
    throw new UsageError(`${command}: ${path}: ${size} bytes is not a whole number of ${blockSize}-byte blocks (not a ${card ? 'card' : 'storage partition'} image)`);
  // A card image is read in place (it may be 32 GB, mostly sparse); a partition image is small.
  const lfs = card
    ? new Littlefs(cardLfsConfig(size), new ImageBlockDevice(path, CARD_BLOCK_SIZE))
    : new Littlefs(storageLfsConfig(size / BLOCK_SIZE), new NorFlash({ blockSize: BLOCK_SIZE, blockCount: size / BLOCK_SIZE, image: new Uint8Array(readFileSync(path)) }));
  try {
    lfs.mount();
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error';
    throw new UsageError(`${command}: ${path}: not a readable littlefs volume of ${size / blockSize} × ${blockSize}-byte blocks (${code})`);
  }
  try {
    // Completes, in memory only, a rename a power cut interrupted (littlefs hides the entry otherwise).
    lfs.fsMkconsistent();
    return { lfs, blocks: size / blockSize, blockSize, kind: card ? 'card' : 'internal', entries: listVolume(lfs) };
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

/**
 * The chain's entry files from what a unit wrote: its storage image or an extracted directory,
 * and its card's image or directory if given (`--card`). Entries split when a card was pulled
 * out are joined; `notes` says what could not be (the other half not given).
 */
export function evidenceFiles(path: string, card: string | undefined, command: string, readDirectory: (dir: string) => EntryFile[]): { files: EntryFile[]; notes: string[] } {
  const read = (p: string) => (isFile(p) ? imageEntryFiles(p, command) : readDirectory(p));
  const files = [...read(path), ...(card === undefined ? [] : read(card))];
  const joined = joinSplitEntries(files);
  return { files: joined.files, notes: joined.notes };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
