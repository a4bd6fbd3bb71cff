// Content-addressed entry objects: objects/ab/cdef….qce, named by the SHA-256 of the entry
// file. An object is written once (writeOnce: temp file, fsync, link into place), is
// read-only (0444) from then on and is never rewritten, not even to "repair" it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from './continuity';
import { writeOnce } from './durable';
import { StoreError } from './errors';

export const OBJECTS_DIR = 'objects';
export const OBJECT_MODE = 0o444;
const HEX64 = /^[0-9a-f]{64}$/;

export class ObjectStore {
  constructor(readonly root: string) {}

  /** Path of the object with this SHA-256 (hex), relative to the store root. */
  static relPath(sha256: string): string {
    if (!HEX64.test(sha256)) throw new RangeError(`not a SHA-256: ${sha256}`);
    return `${OBJECTS_DIR}/${sha256.slice(0, 2)}/${sha256.slice(2)}.qce`;
  }

  path(sha256: string): string {
    return join(this.root, ObjectStore.relPath(sha256));
  }

  has(sha256: string): boolean {
    return existsSync(this.path(sha256));
  }

  /** The object's bytes, checked against its name; StoreError when missing or altered. */
  read(sha256: string): Uint8Array {
    const bytes = this.readUnchecked(sha256);
    if (sha256Hex(bytes) !== sha256) throw new StoreError(`${ObjectStore.relPath(sha256)}: object altered (its SHA-256 no longer matches its name)`);
    return bytes;
  }

  /** The object's bytes as they are (for a verification that reports rather than throws). */
  readUnchecked(sha256: string): Uint8Array {
    try {
      return new Uint8Array(readFileSync(this.path(sha256)));
    } catch (e) {
      throw new StoreError(`${ObjectStore.relPath(sha256)}: cannot read object (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  /**
   * Stores bytes under their SHA-256. An object already there (an offload cut after its
   * objects were written, or the same bytes from elsewhere) is checked, never replaced.
   */
  put(bytes: Uint8Array, sha256 = sha256Hex(bytes)): string {
    if (!this.has(sha256) && writeOnce(this.path(sha256), bytes, OBJECT_MODE)) return sha256;
    this.read(sha256);
    return sha256;
  }
}
