// Durable writes: a store's files must survive a power cut with either the old or the new
// content, so data is fsynced before it is named and directories after names change.
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes bytes to a new file (fails if it exists) and fsyncs it. */
export function writeNewFileSynced(path: string, bytes: Uint8Array, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeAll(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Appends bytes to a file (creating it) and fsyncs it. */
export function appendSynced(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'a', 0o644);
  try {
    writeAll(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

let tempCounter = 0;

/**
 * Creates a file with its full content or not at all: a temp file in the same directory,
 * fsynced, then linked into place — a link, unlike a rename, never replaces an existing
 * file. Returns false (writing nothing) when the path already exists.
 */
export function writeOnce(path: string, bytes: Uint8Array, mode: number): boolean {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.tmp-${process.pid}-${++tempCounter}`);
  writeNewFileSynced(temp, bytes, mode);
  chmodSync(temp, mode); // the umask may have taken bits the mode asked for
  let created = true;
  try {
    linkSync(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    created = false;
  } finally {
    unlinkSync(temp);
  }
  fsyncPath(dir);
  return created;
}
