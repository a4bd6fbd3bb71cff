// SHA-256 lives in hal (hal/crypto/sha256.ts); the evidence modules import it from here.
export { sha256, Sha256 } from "../../../hal/crypto/sha256";
