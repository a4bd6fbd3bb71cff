// XS side of the device key: the host's SoftSigner signs, as the secure element does on the
// device; the private key never enters the firmware.
import type { Signer } from '../../../firmware/core/evidence/signer';
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
