// Checking a receipt as its holder would: it decodes and the store's key signed it.
import { decodeSignedReceipt, type SignedReceipt } from '../../firmware/core/maintenance/receipt';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

/** The decoded receipt; throws (FormatError, or Error for a bad signature) otherwise. */
export function checkReceipt(bytes: Uint8Array, storePublicKey: Uint8Array): SignedReceipt {
  const r = decodeSignedReceipt(bytes);
  if (!nodeChecker.verify(storePublicKey, r.document, r.signature)) throw new Error('receipt signature does not verify under the store key');
  return r;
}
