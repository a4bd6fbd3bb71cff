// The simulated device key: P-256 ECDSA in software, deterministic (RFC 6979) so the same
// scenario and seed give byte-identical flash images. node:crypto's ECDSA draws a random
// nonce on every call, which would make every simulated image unique; it is used for
// checking signatures (host-sim/crypt/node-checker.ts), where that does not matter.
import { p256 } from '@noble/curves/p256';
import { sha256 } from '../../firmware/core/evidence/hash';
import { keyIdOf, type Signer } from '../../firmware/core/evidence/signer';
import { seededScalar } from './seeded-p256';

export class SoftSigner implements Signer {
  readonly publicKey: Uint8Array;
  readonly keyId: Uint8Array;
  readonly #privateKey: Uint8Array;

  constructor(privateKey: Uint8Array) {
    if (!p256.utils.isValidPrivateKey(privateKey)) throw new RangeError('not a valid P-256 private key');
    this.#privateKey = privateKey.slice();
    this.publicKey = p256.getPublicKey(this.#privateKey, false);
    this.keyId = keyIdOf(this.publicKey);
  }

  /** A key derived from a seed: SHA-256("quancheng-sim-key" ‖ seed ‖ counter), first valid one. For simulation and tests only. */
  static fromSeed(seed: string | number): SoftSigner {
    return new SoftSigner(seededScalar('quancheng-sim-key', seed));
  }

  sign(message: Uint8Array): Uint8Array {
    return p256.sign(sha256(message), this.#privateKey, { lowS: true }).toCompactRawBytes();
  }

  /** The private scalar (tests and test vectors only: a real device key never leaves its secure element). */
  exportPrivateKey(): Uint8Array {
    return this.#privateKey.slice();
  }
}
