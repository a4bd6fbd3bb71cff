// Reads the entry files of an evidence directory (an extracted volume or a store copy).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OPEN_SUFFIX, PREFIX_SUFFIX, SEALED_SUFFIX, TAIL_SUFFIX, type EntryFile } from '../firmware/core/evidence';
import { UsageError } from './errors';

/** Every *.qce and *.open file (and split entries' *.qcp, *.qct parts) under dir, with paths relative to dir. Throws UsageError for a bad path. */
export function readEntryDirectory(dir: string): EntryFile[] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`${dir}: no such file or directory`);
  }
  if (!st.isDirectory()) throw new UsageError(`${dir}: not a directory of evidence entries`);
  const out: EntryFile[] = [];
  const walk = (rel: string) => {
    const abs = join(dir, rel);
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch (e) {
      throw new UsageError(`${abs}: cannot read directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    for (const name of names) {
      const relPath = rel ? `${rel}/${name}` : name;
      const s = statSync(join(dir, relPath));
      if (s.isDirectory()) walk(relPath);
      else if (s.isFile() && [SEALED_SUFFIX, OPEN_SUFFIX, PREFIX_SUFFIX, TAIL_SUFFIX].some((x) => name.endsWith(x)))
        out.push({ path: relPath, bytes: new Uint8Array(readFileSync(join(dir, relPath))) });
    }
  };
  walk('');
  return out;
}
