// Small helpers over the ECMA-419 Files API.
import type { Directory, File, Status } from "embedded:storage/files";

/** The status of path, or undefined when nothing is there. */
export function statusOf(dir: Directory, path: string): Status | undefined {
  try {
    return dir.status(path);
  } catch {
    return undefined;
  }
}

/** Creates a directory unless it exists. */
export function ensureDirectory(dir: Directory, path: string): void {
  const s = statusOf(dir, path);
  if (s) {
    if (!s.isDirectory()) throw new Error(`${path} exists and is not a directory`);
    return;
  }
  dir.createDirectory(path);
}

/** Reads n bytes at position (fewer at the end of the file). */
export function readAt(file: File, n: number, position: number): Uint8Array {
  return new Uint8Array(file.read(n, position));
}

/** Reads a whole (small) file. */
export function readSmallFile(dir: Directory, path: string): Uint8Array {
  const f = dir.openFile({ path, mode: "r" });
  try {
    return readAt(f, f.status().size, 0);
  } finally {
    f.close();
  }
}

/** Writes a small file whole and commits it: to `tmp`, then renamed over `path` (atomic on littlefs). */
export function replaceFile(dir: Directory, path: string, tmp: string, bytes: Uint8Array): void {
  const f = dir.openFile({ path: tmp, mode: "w" });
  try {
    f.write(bytes, 0);
    f.flush();
  } finally {
    f.close();
  }
  dir.move(tmp, path);
}
