// Signature checking and key files with node:crypto.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { SignatureChecker } from '../../firmware/core/evidence/signer';

const cache = new Map<string, KeyObject>();

function b64url(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

/** A node:crypto public key from SEC1 uncompressed bytes (0x04 ‖ X ‖ Y). */
export function keyObjectOf(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('hex');
  let key = cache.get(id);
  if (!key) {
    if (publicKey.length !== 65 || publicKey[0] !== 4) throw new RangeError('public key must be SEC1 uncompressed (65 bytes)');
    key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: b64url(publicKey.subarray(1, 33)), y: b64url(publicKey.subarray(33, 65)) },
      format: 'jwk',
    });
    cache.set(id, key);
  }
  return key;
}

export const nodeChecker: SignatureChecker = {
  verify(publicKey, message, signature) {
    if (signature.length !== 64) return false;
    let key: KeyObject;
    try {
      key = keyObjectOf(publicKey);
    } catch {
      return false;
    }
    return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
  },
};

/** SPKI PEM of a SEC1 public key (what `--device-key` files hold). */
export function publicKeyPem(publicKey: Uint8Array): string {
  return keyObjectOf(publicKey).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Reads a device public key file: SPKI PEM, or the SEC1 uncompressed key as 130 hex digits.
 * Throws an Error with a one-line message when it is neither.
 */
export function parsePublicKeyFile(text: string): Uint8Array {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{130}$/.test(trimmed)) {
    const key = new Uint8Array(Buffer.from(trimmed, 'hex'));
    keyObjectOf(key);
    return key;
  }
  if (trimmed.includes('-----BEGIN PUBLIC KEY-----')) {
    let jwk;
    try {
      jwk = createPublicKey(trimmed).export({ format: 'jwk' });
    } catch {
      throw new Error('not a readable PEM public key');
    }
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('device key must be a P-256 public key');
    const out = new Uint8Array(65);
    out[0] = 4;
    out.set(Buffer.from(jwk.x, 'base64url'), 1);
    out.set(Buffer.from(jwk.y, 'base64url'), 33);
    return out;
  }
  throw new Error('device key file must hold a PEM public key or 130 hex digits');
}
