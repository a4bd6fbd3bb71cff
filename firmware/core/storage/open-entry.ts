// The entry being written: its file, its EntryWriter, and when its bytes are committed.
//
// littlefs commits file data only at sync. Each sync costs a metadata commit, and a sync
// that leaves the file ending inside a block makes the next append copy that block
// (littlefs #564, #581). So bytes are committed at a littlefs block boundary once half the
// flush window has passed, and at the latest when the whole window has passed (a slow
// journal entry may never reach a boundary). A power cut loses at most the window.
import type { File } from "embedded:storage/files";
import { EntryWriter, recordPieces, type EntryHeader, type EvidenceRecord, type SealResult, type Signer } from "../evidence/index";
import { CtzBoundaries } from "./ctz";

export interface FlushPolicy {
  /** Longest time written bytes stay uncommitted, ms. */
  flushMs: number;
  /** littlefs block size of the volume. */
  blockSize: number;
  /** Commit where littlefs blocks end (default). Off only to measure what that saves. */
  alignToBlocks?: boolean;
}

export class OpenEntry {
  readonly path: string;
  readonly writer: EntryWriter;
  readonly #file: File;
  readonly #policy: FlushPolicy;
  readonly #boundaries: CtzBoundaries;
  /** Bytes written to the file. */
  size = 0;
  /** Bytes committed (synced). */
  committed = 0;
  /** Device time of the last commit: no uncommitted byte is older. */
  committedAt: number;
  syncs = 0;

  constructor(file: File, path: string, header: EntryHeader, policy: FlushPolicy, now: number) {
    this.#file = file;
    this.path = path;
    this.#policy = policy;
    this.#boundaries = new CtzBoundaries(policy.blockSize);
    this.writer = new EntryWriter(header);
    this.committedAt = now;
    // The header is committed at once: from here on the entry exists on the volume and a
    // power cut leaves a recoverable open entry, never a nameless one.
    this.#write(this.writer.headerBytes);
    this.commit(now);
  }

  /** littlefs blocks the file's data occupies so far. */
  get blocks(): number {
    if (this.size === 0) return 0;
    this.#boundaries.boundaryAtOrAfter(this.size);
    return this.#boundaries.block + 1;
  }

  get header(): EntryHeader {
    return this.writer.header;
  }

  /** Time of a record relative to the entry's start. */
  timeOf(mono: number): number {
    return Math.max(0, mono - this.writer.header.monoStart);
  }

  append(record: EvidenceRecord, now: number): void {
    this.#stream(recordPieces(this.writer.frame(record)), now);
  }

  appendRaw(code: number, payload: Uint8Array, now: number): void {
    this.#stream(recordPieces(this.writer.frameRaw(code, this.timeOf(now), payload)), now);
  }

  /** Commits if the flush window has run out (called on every append and by the store's tick). */
  tick(now: number): void {
    if (this.committed < this.size && now - this.committedAt >= this.#policy.flushMs) this.commit(now);
  }

  commit(now: number): void {
    this.#file.flush();
    this.committed = this.size;
    this.committedAt = now;
    this.syncs++;
  }

  /** Seals: the seal is written and committed, the file closed. The caller renames it. */
  seal(signer: Signer, now: number, flags = 0): SealResult {
    const seal = this.writer.seal(signer, this.timeOf(now), flags);
    this.#write(seal.bytes);
    this.commit(now);
    this.#file.close();
    return seal;
  }

  /** Closes without sealing (the device is going down hard); what was committed stays recoverable. */
  abandon(): void {
    this.#file.close();
  }

  #write(bytes: Uint8Array): void {
    this.#file.write(bytes, this.size);
    this.size += bytes.length;
  }

  /**
   * Writes the pieces whole, except that once a commit is due the piece reaching the next
   * block end is split there and committed; `now` is fixed within one append and a commit
   * resets the window, so at most one split happens per call.
   */
  #stream(parts: Uint8Array[], now: number): void {
    for (const part of parts) {
      let offset = 0;
      if (this.#policy.alignToBlocks !== false && now - this.committedAt >= this.#policy.flushMs / 2) {
        const room = this.#boundaries.boundaryAtOrAfter(this.size + 1) - this.size;
        if (room <= part.length) {
          this.#write(room === part.length ? part : part.subarray(0, room));
          this.commit(now);
          offset = room;
        }
      }
      if (offset < part.length) this.#write(offset === 0 ? part : part.subarray(offset));
    }
    this.tick(now);
  }
}
