// quancheng ls IMAGE / quancheng extract IMAGE DIR
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from '../args';
import { EXIT_OK, UsageError } from '../errors';
import { openImage } from '../image';
import type { Io } from '../io';

export const lsUsage = 'quancheng ls IMAGE [--json]   (IMAGE: the storage partition or a card image)';
export const extractUsage = 'quancheng extract IMAGE DIR';

export function runLs(argv: readonly string[], io: Io): number {
  const args = parseArgs('ls', argv, { switches: ['json'], positionals: ['IMAGE'] });
  const { entries, blocks, blockSize, kind } = openImage(args.positionals[0], 'ls');
  if (args.switches.has('json')) io.out(JSON.stringify({ kind, blocks, blockSize, entries }, null, 2) + '\n');
  else {
    for (const e of entries) io.out(e.type === 'dir' ? `${e.path}/\n` : `${String(e.size).padStart(10)}  ${e.path}\n`);
    const files = entries.filter((e) => e.type === 'file');
    io.out(`${files.length} files, ${files.reduce((n, e) => n + e.size, 0)} bytes, ${kind === 'card' ? 'card ' : ''}volume of ${blocks} × ${blockSize}-byte blocks\n`);
  }
  return EXIT_OK;
}

/** Extracts into a fresh directory: written under a temporary name, renamed into place when complete. */
export function runExtract(argv: readonly string[], io: Io): number {
  const args = parseArgs('extract', argv, { positionals: ['IMAGE', 'DIR'] });
  const [image, dir] = args.positionals;
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new UsageError(`extract: ${dir} exists and is not empty`);
  const { lfs, entries } = openImage(image, 'extract');
  const staging = join(dirname(target), `.${target.split('/').pop()}.extracting-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    let bytes = 0;
    for (const e of entries) {
      const p = join(staging, e.path);
      if (e.type === 'dir') mkdirSync(p, { recursive: true });
      else {
        const data = lfs.readFile(e.path);
        writeFileSync(p, data, { mode: 0o444 });
        bytes += data.length;
      }
    }
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameSync(staging, target);
    io.out(`extracted ${entries.filter((e) => e.type === 'file').length} files (${bytes} bytes) to ${dir}\n`);
    return EXIT_OK;
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e instanceof UsageError ? e : new UsageError(`extract: ${image}: ${(e as { code?: string }).code ?? (e as Error).message}`);
  }
}
