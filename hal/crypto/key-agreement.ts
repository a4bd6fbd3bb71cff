// Ephemeral-static ECDH P-256 (docs/FORMAT.md §7a): the secure element makes a fresh key
// pair, returns its public half and the shared secret with `peer`, and keeps nothing.
export interface KeyAgreement {
  /** `peer` and `ephemeral` are SEC1 uncompressed (65 bytes); `secret` is the x-coordinate (32). */
  ephemeralEcdh(peer: Uint8Array): { ephemeral: Uint8Array; secret: Uint8Array };
}

/** The secure element's random number generator (ATECC608 Random: 32 bytes a call). */
export interface RandomSource {
  random(): Uint8Array;
}

/** A secret the unit keeps in its secure element for its own state files (not for evidence). */
export interface StateSecret {
  stateSecret(): Uint8Array;
}
