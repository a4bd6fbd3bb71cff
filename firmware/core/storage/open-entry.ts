// The entry being written: its file, its EntryWriter, and when its bytes are committed.
//
// littlefs commits file data only at sync. Each sync costs a metadata commit, and a sync
// that leaves the file ending inside a block makes the next append copy that block
// (littlefs #564, #581). So bytes are committed at a littlefs block boundary once half the
// flush window has passed, and at the latest when the whole window has passed (a slow
// journal entry may never reach a boundary). A power cut loses at most the window.
import type { File } from "embedded:storage/files";
import { EntryWriter, recordPieces, type EntryHeader, type EvidenceRecord, type SealResult, type Signer } from "../evidence/index";
import type { EntryEncryption } from "../evidence/entry-keys";
import { CtzBoundaries } from "./ctz";
import type { WriteQueue } from "./media-volume";

export interface FlushPolicy {
  /** Longest time written bytes stay uncommitted, ms. */
  flushMs: number;
  /** littlefs block size of the volume. */
  blockSize: number;
  /** Commit where littlefs blocks end (default). Off only to measure what that saves. */
  alignToBlocks?: boolean;
  /** The volume's write-behind queue, when its writes are done later (the card). */
  queue?: WriteQueue;
}

/** A commit queued on a write-behind volume: once flush `ticket` is done, `offset` bytes are on the volume. */
interface QueuedCommit {
  ticket: number;
  offset: number;
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
  /** On a write-behind volume: bytes known to be on the volume, the commits not yet done, and the bytes written since (kept in RAM, so a card pulled out loses none of them). */
  #durable = 0;
  readonly #queued: QueuedCommit[] = [];
  readonly #retained: Uint8Array[] = [];
  #retainedFrom = 0;
  /** Why the write-behind volume stopped taking this entry's bytes (undefined: it takes them). */
  failure: unknown;

  /** `encryption`: the entry is encrypted (header flag 0x02); its content-key record is written with the header. */
  constructor(file: File, path: string, header: EntryHeader, policy: FlushPolicy, now: number, encryption?: EntryEncryption) {
    this.#file = file;
    this.path = path;
    this.#policy = policy;
    this.#boundaries = new CtzBoundaries(policy.blockSize);
    this.writer = new EntryWriter(header, encryption?.cipher);
    this.committedAt = now;
    // The header is committed at once: from here on the entry exists on the volume and a
    // power cut leaves a recoverable open entry, never a nameless one. An encrypted entry's
    // content-key record goes in the same commit, so none is ever found without it.
    this.#write(this.writer.headerBytes);
    if (encryption) for (const p of recordPieces(this.writer.frame({ type: "content-key", t: this.timeOf(now), data: encryption.contentKey }))) this.#write(p);
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
    this.#io(() => this.#file.flush());
    const q = this.#policy.queue;
    if (q) this.#queued.push({ ticket: q.flushesQueued, offset: this.size });
    this.committed = this.size;
    this.committedAt = now;
    this.syncs++;
  }

  /** Seals: the seal is written and committed, the file closed. The caller renames it. */
  seal(signer: Signer, now: number, flags = 0): SealResult {
    const seal = this.writer.seal(signer, this.timeOf(now), flags);
    this.#write(seal.bytes);
    this.commit(now);
    this.#io(() => this.#file.close());
    return seal;
  }

  /** Closes without sealing (the device is going down hard); what was committed stays recoverable. */
  abandon(): void {
    this.#file.close();
  }

  /** Bytes on the volume for certain: the committed bytes on a synchronous volume, those of the last commit done on a queued one. */
  get durable(): number {
    const q = this.#policy.queue;
    if (!q) return this.committed;
    let n = 0;
    while (n < this.#queued.length && this.#queued[n].ticket <= q.flushesDone) n++;
    if (n > 0) {
      this.#durable = this.#queued[n - 1].offset;
      this.#queued.splice(0, n);
      this.#dropRetained();
    }
    return this.#durable;
  }

  /** The flush that makes every byte written so far durable (0: nothing pending). */
  get lastTicket(): number {
    return this.#queued.length ? this.#queued[this.#queued.length - 1].ticket : 0;
  }

  /** Every byte from `durable` on, in order (the retained pieces, joined). */
  notDurable(): Uint8Array {
    const from = this.durable;
    let n = 0;
    for (const p of this.#retained) n += p.length;
    const out = new Uint8Array(this.size - from);
    let at = this.#retainedFrom - from;
    for (const p of this.#retained) {
      if (at + p.length > 0) out.set(at >= 0 ? p : p.subarray(-at), Math.max(0, at));
      at += p.length;
    }
    if (this.#retainedFrom + n !== this.size) throw new Error("open entry: retained bytes do not reach the end");
    return out;
  }

  /**
   * The volume went away with the entry open: seals it in RAM alone (the seal is one of the
   * bytes that never reached the volume). The file is not touched again.
   */
  sealDetached(signer: Signer, now: number): SealResult {
    const seal = this.writer.seal(signer, this.timeOf(now));
    this.#retain(seal.bytes);
    this.size += seal.bytes.length;
    return seal;
  }

  #write(bytes: Uint8Array): void {
    const at = this.size;
    if (this.#policy.queue) this.#retain(bytes);
    this.size += bytes.length;
    this.#io(() => this.#file.write(bytes, at));
  }

  /**
   * A file operation. On a write-behind volume (the card) a failure is kept, not thrown: the
   * card has gone, and the bytes go on being retained in RAM so that the store can seal the
   * entry whole and write its tail elsewhere (EvidenceStore.detachMedia). Elsewhere it throws.
   */
  #io(op: () => unknown): void {
    if (!this.#policy.queue) {
      op();
      return;
    }
    if (this.failure !== undefined) return;
    try {
      op();
    } catch (e) {
      this.failure = e;
    }
  }

  #retain(bytes: Uint8Array): void {
    this.#retained.push(bytes);
  }

  /** Forgets retained pieces that lie wholly before the durable offset. */
  #dropRetained(): void {
    let k = 0;
    while (k < this.#retained.length && this.#retainedFrom + this.#retained[k].length <= this.#durable) this.#retainedFrom += this.#retained[k++].length;
    if (k > 0) this.#retained.splice(0, k);
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
