// Deterministic P-256 keys for simulation and tests: a scalar drawn from a labelled seed, and
// that scalar as a node:crypto KeyObject for the host tools that take PEM or KeyObject keys.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { sha256 } from '../../firmware/core/evidence/hash';
import { utf8Encode } from '../../firmware/core/evidence/utf8';

/** The first valid private scalar SHA-256(`${label}:${seed}:${counter}`), counter from 0. */
export function seededScalar(label: string, seed: string | number): Uint8Array {
  for (let counter = 0; ; counter++) {
    const d = sha256(utf8Encode(`${label}:${seed}:${counter}`));
    if (p256.utils.isValidPrivateKey(d)) return d;
  }
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** A private scalar as a KeyObject (through JWK, which node:crypto imports without DER). */
export function p256KeyObject(d: Uint8Array): KeyObject {
  const pub = p256.getPublicKey(d, false);
  return createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: b64url(d), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)) }, format: 'jwk' });
}
