// Technician authentication on the maintenance port: challenge and response.
//
// The device hands out a fresh 32-byte challenge; a technician proves they hold a key the
// device was provisioned with by signing the document below (P-256 over its SHA-256). A
// challenge serves one attempt only, and challenges never repeat: they hash the boot
// count, a counter and the time with the platform's random source, so a recorded
// response is worth nothing later.
import { concatBytes } from "../evidence/bytes";
import { sha256 } from "../evidence/hash";
import { utf8Encode } from "../evidence/utf8";

export const AUTH_CONTEXT = "quancheng-auth/1";
export const CHALLENGE_SIZE = 32;

/** What a technician signs: context ‖ 0 ‖ device id ‖ 0 ‖ challenge. */
export function authDocument(deviceId: string, challenge: Uint8Array): Uint8Array {
  return concatBytes([utf8Encode(AUTH_CONTEXT), Uint8Array.of(0), utf8Encode(deviceId), Uint8Array.of(0), challenge]);
}

export class ChallengeSource {
  readonly #boot: number;
  readonly #random: () => number;
  #counter = 0;

  constructor(bootCount: number, random: () => number) {
    this.#boot = bootCount;
    this.#random = random;
  }

  next(now: number): Uint8Array {
    const seed = new Uint8Array(32);
    const v = new DataView(seed.buffer);
    v.setUint32(0, this.#boot, true);
    v.setUint32(4, ++this.#counter, true);
    v.setFloat64(8, now, true);
    for (let i = 16; i < 32; i += 4) v.setUint32(i, Math.floor(this.#random() * 0x100000000) >>> 0, true);
    return sha256(utf8Encode("quancheng-challenge"), seed);
  }
}
