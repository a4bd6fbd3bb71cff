// The designated store's content key (docs/FORMAT.md §7a): the P-256 key pair whose public
// half units wrap each entry's content key to. A store directory keeps it as
// content-key.pem (private, PKCS#8, 0600) beside content-key.pub.pem (SPKI); that is not
// the store's receipt-signing key (store-key.pem). `--store-key FILE|STOREDIR` names it
// on the reading commands; bad input is one line.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, isEncryptedEntry, parseEntry, type EntryFile, type EntryOpener } from '../../firmware/core/evidence';
import { UsageError } from '../errors';
import { WrongStoreKeyError } from './content-key';
import { entryOpener, UnverifiedEntryError } from './decrypt-entry';

export const CONTENT_KEY_FILE = 'content-key.pem';
export const CONTENT_PUBLIC_KEY_FILE = 'content-key.pub.pem';

/** The key file `--store-key` names: the file itself, or a store directory's content-key.pem. */
export function storeKeyPath(path: string): string {
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    // not there: loadStoreKey says so
  }
  return dir ? join(path, CONTENT_KEY_FILE) : path;
}

/** A P-256 private key from a PEM file or a store directory, or UsageError (exit 2) saying what is wrong. */
export function loadStoreKey(path: string): KeyObject {
  const file = storeKeyPath(path);
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(file === path ? `--store-key: cannot read ${path}` : `--store-key: ${path} is a directory without ${CONTENT_KEY_FILE} (not a store directory?)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UsageError(`--store-key: ${file} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new UsageError(`--store-key: ${file} is not a P-256 key`);
  }
  return key;
}

/** Makes a store directory's content key pair; an existing one is kept (it opens the evidence already held). */
export function ensureContentKey(dir: string): { created: boolean } {
  const priv = join(dir, CONTENT_KEY_FILE);
  const pub = join(dir, CONTENT_PUBLIC_KEY_FILE);
  if (existsSync(priv)) return { created: false };
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(pub, pair.publicKey.export({ format: 'pem', type: 'spki' }), { mode: 0o644 });
  writeFileSync(priv, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return { created: true };
}

/** How many of the files are sealed entries marked encrypted (unparsable ones are the verifier's to report). */
export function encryptedCount(files: readonly EntryFile[]): number {
  let n = 0;
  for (const f of files) {
    if (!f.path.endsWith('.qce')) continue;
    try {
      if (isEncryptedEntry(parseEntry(f.bytes))) n++;
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
    }
  }
  return n;
}

/**
 * The opener a reading command uses: undefined for a clear chain (the option is ignored),
 * the store key's opener when given, and when the command must read content of an encrypted
 * chain without one, one line saying so and how to give it.
 */
export function chainOpener(command: string, source: string, files: readonly EntryFile[], keyArg: string | undefined, needsContent: boolean): EntryOpener | undefined {
  const n = encryptedCount(files);
  if (n === 0) return undefined;
  if (keyArg === undefined) {
    if (!needsContent) return undefined;
    throw new UsageError(`${command}: ${source} holds ${n} encrypted entr${n === 1 ? 'y' : 'ies'}: reading them needs the designated store's content key (--store-key FILE, or the store directory)`);
  }
  let key: KeyObject;
  try {
    key = loadStoreKey(keyArg);
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(`${command}: ${e.message}`) : e;
  }
  return entryOpener(key);
}

/** Runs a reading step, a key that does not open the chain's entries being one line of bad input. */
export function withStoreKey<T>(command: string, keyArg: string | undefined, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof WrongStoreKeyError) throw new UsageError(`${command}: --store-key ${keyArg}: not the designated store's content key (it does not open this chain's entries)`);
    if (e instanceof UnverifiedEntryError) throw new UsageError(`${command}: ${e.message}`);
    throw e;
  }
}
