// The unit's own state files (its provisioning, what it last journaled of it, the recorder's
// memory: the assigned officer, the case in force) name people and cases. On an encrypting
// unit they are sealed under a key derived from the secure element's state secret, so a dump
// of the NOR gives up no name or case number, while the unit still reads them at boot.
// Sealed file: "QCS1" ‖ IV (16) ‖ AES-128-CTR ciphertext ‖ HMAC-SHA256 tag (32) over all
// before it. A file without the magic is read as it is (a provisioning pre-loaded by
// `quancheng flash`, or a unit that records in the clear), and sealed at its next write.
import type { Directory } from "embedded:storage/files";
import { BlockCipher, Mode } from "crypt";
import type { RandomSource, StateSecret } from "../../../hal/crypto/key-agreement";
import { bytesEqual } from "../evidence/bytes";
import { utf8Encode } from "../evidence/utf8";
import { hkdfSha256, hmacSha256 } from "../evidence/key-wrap";
import { readSmallFile, replaceFile, statusOf } from "./files-util";

const MAGIC = utf8Encode("QCS1");
const IV_SIZE = 16;
const TAG_SIZE = 32;

export class StateFileError extends Error {}

/** Reads and writes the state files, sealing them while `sealing()` says so. */
export class StateFiles {
  readonly root: Directory;
  readonly #element: (() => StateSecret & RandomSource) | undefined;
  readonly #sealing: () => boolean;
  #keys: { enc: Uint8Array; mac: Uint8Array } | undefined;
  /** The IV's first 12 bytes are drawn once per boot; the last 4 count the writes since. */
  #ivPrefix: Uint8Array | undefined;
  #writes = 0;

  /** Without `element`, files are written and read in the clear (and a sealed one cannot be read). */
  constructor(root: Directory, element?: () => StateSecret & RandomSource, sealing: () => boolean = () => false) {
    this.root = root;
    this.#element = element;
    this.#sealing = sealing;
  }

  exists(path: string): boolean {
    return statusOf(this.root, path) !== undefined;
  }

  /** The file's contents; a sealed one is opened (StateFileError when its tag does not match). */
  read(path: string): Uint8Array {
    return this.open(path).bytes;
  }

  /** The file's contents and whether it was sealed on the volume (a clear one is sealed again at its next write on a sealing unit). */
  open(path: string): { bytes: Uint8Array; sealed: boolean } {
    const bytes = readSmallFile(this.root, path);
    if (!isSealed(bytes)) return { bytes, sealed: false };
    if (bytes.length < MAGIC.length + IV_SIZE + TAG_SIZE) throw new StateFileError(`${path}: sealed file truncated`);
    const { enc, mac } = this.#keysOf(path);
    const body = bytes.subarray(0, bytes.length - TAG_SIZE);
    if (!bytesEqual(hmacSha256(mac, body), bytes.subarray(bytes.length - TAG_SIZE))) throw new StateFileError(`${path}: sealed file does not match its tag`);
    const iv = bytes.subarray(MAGIC.length, MAGIC.length + IV_SIZE);
    return { bytes: ctr(enc, iv, body.subarray(MAGIC.length + IV_SIZE)), sealed: true };
  }

  write(path: string, tmp: string, bytes: Uint8Array): void {
    replaceFile(this.root, path, tmp, this.#sealing() ? this.#seal(path, bytes) : bytes);
  }

  get sealing(): boolean {
    return this.#sealing();
  }

  #seal(path: string, plain: Uint8Array): Uint8Array {
    const { enc, mac } = this.#keysOf(path);
    const iv = new Uint8Array(IV_SIZE);
    iv.set((this.#ivPrefix ??= this.#elementOf(path).random().slice(0, 12)));
    new DataView(iv.buffer).setUint32(12, this.#writes++);
    const out = new Uint8Array(MAGIC.length + IV_SIZE + plain.length + TAG_SIZE);
    out.set(MAGIC);
    out.set(iv, MAGIC.length);
    out.set(ctr(enc, iv, plain), MAGIC.length + IV_SIZE);
    out.set(hmacSha256(mac, out.subarray(0, out.length - TAG_SIZE)), out.length - TAG_SIZE);
    return out;
  }

  #keysOf(path: string): { enc: Uint8Array; mac: Uint8Array } {
    if (this.#keys) return this.#keys;
    const secret = this.#elementOf(path).stateSecret();
    const salt = new Uint8Array(0);
    this.#keys = { enc: hkdfSha256(secret, salt, utf8Encode("quancheng-state-enc-v1"), 16), mac: hkdfSha256(secret, salt, utf8Encode("quancheng-state-mac-v1"), 32) };
    secret.fill(0);
    return this.#keys;
  }

  #elementOf(path: string): StateSecret & RandomSource {
    if (!this.#element) throw new StateFileError(`${path}: sealed, and this unit has no secure element to open it`);
    return this.#element();
  }
}

function isSealed(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && bytesEqual(bytes.subarray(0, MAGIC.length), MAGIC);
}

/** AES-128-CTR from the 16-byte initial counter block `iv` (one native call). */
function ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const mode = new Mode("CTR", new BlockCipher("AES", key.slice().buffer), iv.slice().buffer);
  return new Uint8Array(mode.encrypt(data.slice().buffer));
}
