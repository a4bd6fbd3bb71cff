// The designated store's content key (docs/FORMAT.md §7a): the P-256 key pair whose public
// half units wrap each entry's content key to. A store directory keeps it as
// content-key.pem (private, PKCS#8, 0600) beside content-key.pub.pem (SPKI); that is not
// the store's receipt-signing key (store-key.pem). `--store-key FILE|STOREDIR` names it
// on the reading commands; bad input is one line.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
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

/**
 * The designated store's content public key as provisioning carries it (130 hex digits, SEC1
 * uncompressed), from its content-key.pub.pem or a store directory holding one; UsageError
 * (exit 2) in one line otherwise.
 */
export function loadStorePublic(path: string, command: string): string {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, CONTENT_PUBLIC_KEY_FILE);
  } catch {
    throw new UsageError(`${command}: --store-public ${path}: no such file or store directory`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(file));
  } catch {
    throw new UsageError(`${command}: --store-public ${file}: not a public key (expected the store's ${CONTENT_PUBLIC_KEY_FILE})`);
  }
  const jwk = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType !== 'ec' || jwk.crv !== 'P-256') throw new UsageError(`${command}: --store-public ${file}: not a P-256 key`);
  return `04${Buffer.from(jwk.x!, 'base64url').toString('hex')}${Buffer.from(jwk.y!, 'base64url').toString('hex')}`;
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

/** A fresh content key pair as PEM texts: the private key PKCS#8 (to be kept 0600), the public key SPKI (what units are provisioned with). */
export function generateContentKeyPair(): { privatePem: string; publicPem: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privatePem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, publicPem: pair.publicKey.export({ format: 'pem', type: 'spki' }) as string };
}

/** The public key file beside a content key file: content-key.pem → content-key.pub.pem. */
export function publicKeyPathOf(privatePath: string): string {
  return privatePath.endsWith('.pem') ? `${privatePath.slice(0, -4)}.pub.pem` : `${privatePath}.pub.pem`;
}

/**
 * A store's own content key file, for the service: undefined when there is none (a store
 * made before encryption at rest holds clear evidence only); an Error naming the file when
 * it is readable by others or not a P-256 private key.
 */
export function readContentKeyFile(path: string): KeyObject | undefined {
  if (!existsSync(path)) return undefined;
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) throw new Error(`${path}: the content key is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  try {
    return loadStoreKey(path);
  } catch (e) {
    throw new Error((e as Error).message.replace(/^--store-key: /, ''));
  }
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
