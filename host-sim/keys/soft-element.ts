// Content-key making in software (ECDH P-256 and a generator), deterministic from a seed and
// taking no virtual time: lets a test set an encrypting unit beside a clear one on the same
// timeline (the ATECC608 model's GenKey + ECDH + Random cost ~107 ms of device time per entry,
// which shifts every later capture).
import { p256 } from '@noble/curves/p256';
import type { KeyAgreement, RandomSource, StateSecret } from '../../hal/crypto/key-agreement';
import { sha256 } from '../../firmware/core/evidence/hash';
import { utf8Encode } from '../../firmware/core/evidence/utf8';

export class SoftElement implements KeyAgreement, RandomSource, StateSecret {
  readonly #seed: string;
  #draws = 0;

  constructor(seed: string | number) {
    this.#seed = String(seed);
  }

  random(): Uint8Array {
    return sha256(utf8Encode(`quancheng-soft-element-random:${this.#seed}:${this.#draws++}`));
  }

  stateSecret(): Uint8Array {
    return sha256(utf8Encode(`quancheng-soft-element-state:${this.#seed}`));
  }

  ephemeralEcdh(peer: Uint8Array): { ephemeral: Uint8Array; secret: Uint8Array } {
    let e = this.random();
    while (!p256.utils.isValidPrivateKey(e)) e = this.random();
    const ephemeral = p256.getPublicKey(e, false);
    const secret = p256.getSharedSecret(e, peer, false).slice(1, 33);
    e.fill(0);
    return { ephemeral, secret };
  }
}
