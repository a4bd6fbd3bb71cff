// Writing the package's files: parts written in order (media are never joined in memory),
// and every date set to the export time so the disc image is reproducible.
import { closeSync, mkdirSync, openSync, readdirSync, statSync, utimesSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeParts(path: string, parts: readonly Uint8Array[], mode = 0o644): number {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'wx', mode);
  let n = 0;
  try {
    for (const p of parts) {
      let off = 0;
      while (off < p.length) off += writeSync(fd, p, off, p.length - off);
      n += p.length;
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

/** Sets the mtime (and atime) of everything under dir, and dir itself, to `ms`. */
export function setDates(dir: string, ms: number): void {
  const t = new Date(ms);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) setDates(p, ms);
    else utimesSync(p, t, t);
  }
  utimesSync(dir, t, t);
}
