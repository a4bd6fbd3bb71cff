// quancheng-store.json: what makes a directory a store — its format, id and public key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, toHex } from '../../firmware/core/evidence';
import { StoreError } from './errors';

export const MANIFEST_FILE = 'quancheng-store.json';
export const KEY_FILE = 'store-key.pem';
export const STORE_FORMAT = 'quancheng-store-v1';

export interface StoreManifest {
  format: typeof STORE_FORMAT;
  /** The store id receipts carry. */
  id: string;
  /** SEC1 uncompressed public key, 130 hex digits. */
  publicKey: string;
}

const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkStoreId(id: string): void {
  if (!STORE_ID.test(id)) throw new RangeError(`store id must be 1-64 of A-Z a-z 0-9 . _ - (starting with a letter or digit): ${JSON.stringify(id)}`);
}

export function encodeManifest(id: string, publicKey: Uint8Array): string {
  const m: StoreManifest = { format: STORE_FORMAT, id, publicKey: toHex(publicKey) };
  return JSON.stringify(m, null, 2) + '\n';
}

/** Reads and checks the manifest; StoreError when the directory is not a store. */
export function readManifest(dir: string): { id: string; publicKey: Uint8Array } {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new StoreError(`${dir}: not a quancheng store (no ${MANIFEST_FILE})`);
  }
  return parseManifest(text, join(dir, MANIFEST_FILE));
}

/** Checks a manifest's text (where names it in errors); StoreError when it is not one. */
export function parseManifest(text: string, where: string): { id: string; publicKey: Uint8Array } {
  let m: Partial<StoreManifest>;
  try {
    m = JSON.parse(text);
  } catch {
    throw new StoreError(`${where}: not valid JSON`);
  }
  if (m?.format !== STORE_FORMAT) throw new StoreError(`${where}: unknown store format ${JSON.stringify(m?.format)}`);
  if (typeof m.id !== 'string' || !STORE_ID.test(m.id)) throw new StoreError(`${where}: bad store id`);
  if (typeof m.publicKey !== 'string' || !/^04[0-9a-f]{128}$/.test(m.publicKey)) throw new StoreError(`${where}: bad public key`);
  return { id: m.id, publicKey: fromHex(m.publicKey) };
}
