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

// Moddable's ciphers (modules/crypt/digest/crypt.js: BlockCipher, Mode), native code; on the
// ESP32-S3 AES runs in hardware. modCrypt.c: `Mode("CTR", cipher, iv)` keeps its counter (a
// 128-bit big-endian integer) and its place in the key stream across calls until `setIV`;
// data may be a view, but a result buffer, a key, an IV and BlockCipher input must be ArrayBuffers.
declare module "crypt" {
  export type BlockCipherName = "AES";
  export class BlockCipher {
    constructor(cipher: BlockCipherName, key: ArrayBuffer);
    /** Encrypts one block (ECB); writes into `result` when given and returns it. */
    encrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer;
    decrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer;
    readonly keySize: number;
    readonly blockSize: number;
  }
  export type ModeName = "CTR";
  export class Mode {
    constructor(mode: ModeName, cipher: BlockCipher, iv?: ArrayBuffer);
    encrypt(data: ArrayBuffer | ArrayBufferView, result?: ArrayBuffer, count?: number): ArrayBuffer;
    decrypt(data: ArrayBuffer | ArrayBufferView, result?: ArrayBuffer, count?: number): ArrayBuffer;
    setIV(iv: ArrayBuffer): void;
  }
}
