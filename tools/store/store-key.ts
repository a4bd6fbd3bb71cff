// The store's own key pair: P-256 from node:crypto, the private key as PKCS#8 PEM in the
// store directory (0600). Receipts are signed as the device expects: ECDSA over
// SHA-256(document), r ‖ s.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { StoreError } from './errors';

export interface StoreKey {
  privateKey: KeyObject;
  /** SEC1 uncompressed (65 bytes). */
  publicKey: Uint8Array;
}

export function generateStoreKey(): { pem: string; key: StoreKey } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { pem, key: { privateKey, publicKey: sec1Of(privateKey) } };
}

/** Reads a PKCS#8 PEM P-256 private key; StoreError when it is anything else. */
export function parseStoreKey(pem: string, what: string): StoreKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new StoreError(`${what}: not a readable PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new StoreError(`${what}: not a P-256 key`);
  return { privateKey, publicKey: sec1Of(privateKey) };
}

function sec1Of(privateKey: KeyObject): Uint8Array {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(Buffer.from(jwk.x!, 'base64url'), 1);
  out.set(Buffer.from(jwk.y!, 'base64url'), 33);
  return out;
}

/** r ‖ s (64 bytes) over SHA-256(message). */
export function signWithStoreKey(key: StoreKey, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', message, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
}
