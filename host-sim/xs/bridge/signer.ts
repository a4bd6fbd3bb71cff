// XS side of the device key: the host's SoftSigner signs, as the secure element does on the
// device; the private key never enters the firmware.
import type { SignatureChecker, Signer } from '../../../firmware/core/evidence/signer';
import { call } from './channel';

export class BridgedSigner implements Signer {
  readonly publicKey: Uint8Array;
  readonly keyId: Uint8Array;

  constructor() {
    const { blob } = call('signer.info', {});
    this.publicKey = blob.slice(0, 65);
    this.keyId = blob.slice(65);
  }

  sign(message: Uint8Array): Uint8Array {
    return call('signer.sign', {}, message).blob.slice();
  }
}

/** XS side of signature checking (the secure element's Verify on the device): the host checks. */
export const bridgedChecker: SignatureChecker = {
  verify(publicKey, message, signature) {
    if (publicKey.length !== 65 || signature.length !== 64) return false;
    const blob = new Uint8Array(129 + message.length);
    blob.set(publicKey);
    blob.set(signature, 65);
    blob.set(message, 129);
    return call('checker.verify', {}, blob).value === true;
  },
};
