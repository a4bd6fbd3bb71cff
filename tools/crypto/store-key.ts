// The designated store's content key (docs/FORMAT.md §7a) from a PEM file: what
// `--store-key FILE` (or a store directory's store-key.pem) names. Bad input is one line.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';

export const STORE_KEY_FILE = 'store-key.pem';

/** A P-256 private key, or UsageError (exit 2) saying what is wrong with the file. */
export function loadStoreKey(path: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--store-key: cannot read ${path}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UsageError(`--store-key: ${path} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new UsageError(`--store-key: ${path} is not a P-256 key`);
  }
  return key;
}
