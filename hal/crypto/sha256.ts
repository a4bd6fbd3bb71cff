// SHA-256 through the platform's native Digest (hardware SHA on the ESP32-S3).
import { Digest } from "crypt";

let scratch: Digest | undefined;

/**
 * Moddable's native Digest.write takes any buffer or view (it resolves the bytes in C,
 * without a copy), but the SDK's typing says ArrayBuffer: a view is passed as it is.
 */
function asBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes as unknown as ArrayBuffer;
}

/** SHA-256 of the concatenation of the parts. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  scratch ??= new Digest("SHA256");
  scratch.reset();
  for (const p of parts) scratch.write(asBuffer(p));
  return new Uint8Array(scratch.close());
}

/** A running SHA-256 that can be fed in pieces. */
export class Sha256 {
  readonly #d = new Digest("SHA256");

  write(bytes: Uint8Array): void {
    this.#d.write(asBuffer(bytes));
  }

  /** Finishes, returns the hash and starts over. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#d.close());
    this.#d.reset();
    return out;
  }
}
