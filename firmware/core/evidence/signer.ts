// The device key's interfaces live in hal (hal/crypto/signer.ts), where the secure element's
// driver implements them; the evidence modules import them from here.
export { keyIdOf, type SignatureChecker, type Signer } from "../../../hal/crypto/signer";
