// The simulated designated store's content key pair (FORMAT §7a), derived from the run's seed
// so the same scenario and seed give the same images; a real store makes its pair at
// `quancheng store init` and the unit only ever holds the public half.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { toHex } from '../../firmware/core/evidence/bytes';
import { p256KeyObject, seededScalar } from './seeded-p256';

export interface SimStoreKey {
  /** SEC1 uncompressed, as 130 hex digits (what provisioning carries). */
  publicHex: string;
  privateKey: KeyObject;
  /** PKCS#8 and SPKI PEM, as the store's content-key.pem and content-key.pub.pem. */
  privatePem: string;
  publicPem: string;
}

export function simStoreKey(seed: string | number): SimStoreKey {
  const d = seededScalar('quancheng-sim-store-content-key', seed);
  const privateKey = p256KeyObject(d);
  return {
    publicHex: toHex(p256.getPublicKey(d, false)),
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string,
  };
}
