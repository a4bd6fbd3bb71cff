// The simulated designated store's content key pair (FORMAT §7a), derived from the run's seed
// so the same scenario and seed give the same images; a real store makes its pair at
// `quancheng store init` and the unit only ever holds the public half.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { sha256 } from '../../firmware/core/evidence/hash';
import { toHex } from '../../firmware/core/evidence/bytes';
import { utf8Encode } from '../../firmware/core/evidence/utf8';

export interface SimStoreKey {
  /** SEC1 uncompressed, as 130 hex digits (what provisioning carries). */
  publicHex: string;
  privateKey: KeyObject;
  /** PKCS#8 and SPKI PEM, as the store's content-key.pem and content-key.pub.pem. */
  privatePem: string;
  publicPem: string;
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

export function simStoreKey(seed: string | number): SimStoreKey {
  for (let counter = 0; ; counter++) {
    const d = sha256(utf8Encode(`quancheng-sim-store-content-key:${seed}:${counter}`));
    if (!p256.utils.isValidPrivateKey(d)) continue;
    const pub = p256.getPublicKey(d, false);
    const privateKey = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: b64url(d), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)) }, format: 'jwk' });
    return {
      publicHex: toHex(pub),
      privateKey,
      privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      publicPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string,
    };
  }
}
