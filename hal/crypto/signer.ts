// The device key. Seals are signed with P-256 ECDSA over SHA-256 of the entry's link.
// On the device the private key lives in the secure element (ATECC608-class: it signs a
// 32-byte digest and never reveals the key); on the host a software key stands in.
// Here in hal so the secure element's driver implements it without importing firmware.
import { sha256 } from "./sha256";

/** Bytes of a key id (docs/FORMAT.md: the seal's key id). */
export const KEY_ID_SIZE = 8;

export interface Signer {
  /** SEC1 uncompressed public key, 65 bytes (0x04 ‖ X ‖ Y). */
  readonly publicKey: Uint8Array;
  /** keyIdOf(publicKey). */
  readonly keyId: Uint8Array;
  /**
   * ECDSA P-256 signature over SHA-256(message), as r ‖ s (32 bytes each, big-endian).
   * Deterministic signers (RFC 6979) keep simulated flash images reproducible.
   */
  sign(message: Uint8Array): Uint8Array;
}

/** Checks signatures; the tools use node:crypto, the device its secure element or software. */
export interface SignatureChecker {
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** First 8 bytes of SHA-256 over the SEC1 uncompressed public key. */
export function keyIdOf(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey).slice(0, KEY_ID_SIZE);
}
