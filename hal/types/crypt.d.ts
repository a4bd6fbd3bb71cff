// Moddable's `crypt` module (modules/crypt/digest): native hashing, hardware SHA on ESP32-S3.
// @moddable/typings has no declaration for it; this one follows documentation/crypt/crypt.md.
declare module "crypt" {
  export type DigestType = "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512";
  export class Digest {
    constructor(type: DigestType);
    /** Adds bytes (or a string's UTF-8 bytes) to the running hash. */
    write(data: ArrayBuffer | ArrayBufferView | string): void;
    /** Finishes and returns the hash; with `keep` true the running state survives. */
    close(keep?: boolean): ArrayBuffer;
    /** Starts a new hash of the same type. */
    reset(): void;
    readonly blockSize: number;
    readonly outputSize: number;
  }
}
