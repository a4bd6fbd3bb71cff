// quancheng ls IMAGE / quancheng extract IMAGE DIR [--store-key FILE|STOREDIR]
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from '../args';
import { FormatError, isEncryptedEntry, parseEntry, SEALED_SUFFIX, type EntryFile } from '../../firmware/core/evidence';
import { WrongStoreKeyError } from '../crypto/content-key';
import { openEntry, PLAIN_SUFFIX, plaintextBytes, UnverifiedEntryError } from '../crypto/decrypt-entry';
import { encryptedCount, loadStoreKey } from '../crypto/store-key';
import { EXIT_OK, UsageError } from '../errors';
import { openImage } from '../image';
import type { Io } from '../io';

export const lsUsage = 'quancheng ls IMAGE [--json]   (IMAGE: the storage partition or a card image)';
export const extractUsage = 'quancheng extract IMAGE DIR [--store-key FILE|STOREDIR]   (an encrypted volume needs the designated store\'s content key: each encrypted entry is copied as written and decrypted beside it as ENTRY.qce.plain)';

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
  const args = parseArgs('extract', argv, { values: ['store-key'], positionals: ['IMAGE', 'DIR'] });
  const [image, dir] = args.positionals;
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new UsageError(`extract: ${dir} exists and is not empty`);
  const { lfs, entries } = openImage(image, 'extract');
  const plain = decryptedTwins(image, entries.filter((e) => e.type === 'file' && e.path.endsWith(SEALED_SUFFIX)).map((e) => ({ path: e.path, bytes: lfs.readFile(e.path) })), args.values.get('store-key'), io);
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
        const twin = plain.get(e.path);
        if (twin) writeFileSync(p + PLAIN_SUFFIX, twin, { mode: 0o400 });
      }
    }
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameSync(staging, target);
    io.out(`extracted ${entries.filter((e) => e.type === 'file').length} files (${bytes} bytes) to ${dir}${plain.size ? `, ${plain.size} encrypted entr${plain.size === 1 ? 'y' : 'ies'} decrypted beside ${plain.size === 1 ? 'it' : 'them'} (*${PLAIN_SUFFIX})` : ''}\n`);
    return EXIT_OK;
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e instanceof UsageError ? e : new UsageError(`extract: ${image}: ${(e as { code?: string }).code ?? (e as Error).message}`);
  }
}

/**
 * The decrypted twin of each encrypted entry, all made before anything is written: an
 * encrypted volume without the store's key, or with another key, is refused in one line.
 * An entry whose bytes do not check is not decrypted (a note says so; verify reports it).
 */
function decryptedTwins(image: string, files: EntryFile[], keyArg: string | undefined, io: Io): Map<string, Uint8Array> {
  const twins = new Map<string, Uint8Array>();
  const n = encryptedCount(files);
  if (n === 0) return twins;
  if (keyArg === undefined)
    throw new UsageError(`extract: ${image} holds ${n} encrypted entr${n === 1 ? 'y' : 'ies'}: reading them needs the designated store's content key (--store-key FILE, or the store directory)`);
  let key;
  try {
    key = loadStoreKey(keyArg);
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(`extract: ${e.message}`) : e;
  }
  for (const f of files) {
    let e;
    try {
      e = parseEntry(f.bytes);
    } catch (err) {
      if (err instanceof FormatError) continue;
      throw err;
    }
    if (!isEncryptedEntry(e)) continue;
    try {
      twins.set(f.path, plaintextBytes(openEntry(e, key)));
    } catch (err) {
      if (err instanceof WrongStoreKeyError) throw new UsageError(`extract: --store-key ${keyArg}: not the designated store's content key (it does not open this volume's entries)`);
      if (err instanceof UnverifiedEntryError) io.err(`extract: note: ${f.path}: ${err.message}\n`);
      else if (err instanceof FormatError) io.err(`extract: note: ${f.path}: ${err.message}; not decrypted\n`);
      else throw err;
    }
  }
  return twins;
}
