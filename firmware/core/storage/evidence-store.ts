// The evidence store: the one writer of the chain on the device's volume.
//
// It appends records to the open entry, commits them within the flush window, seals
// entries and renames them into place (sealed entries are never opened for writing
// again), checkpoints the chain head atomically, keeps its own space accounting, and at
// boot recovers whatever a power cut left open. It has no operation that deletes or
// rewrites evidence: rule art. 16 holds by construction, not by a check.
import type { Directory, File } from "embedded:storage/files";
import {
  bytesEqual,
  EntryKind,
  entryDir,
  HASH_SIZE,
  KEY_ID_SIZE,
  SEAL_SIZE,
  SIGNATURE_SIZE,
  ENTRIES_PER_DIR,
  entryPath,
  EVIDENCE_DIR,
  genesisLink,
  HEADER_FLAG_CLOCK_UNSET,
  NO_SEQ,
  OPEN_DIR,
  openEntryPath,
  parseEntryName,
  RECORDS,
  type EvidenceRecord,
  type RecordData,
  type RecordName,
  type Signer,
} from "../evidence/index";
import { decodeCheckpoint, encodeCheckpoint, firstCheckpoint, type Checkpoint } from "./checkpoint";
import { CtzBoundaries } from "./ctz";
import { ensureDirectory, readAt, readSmallFile, replaceFile, statusOf } from "./files-util";
import { BOOT_MARKER, BOOT_MARKER_NEW_PATH, BOOT_MARKER_PATH, CHAIN_DIR, CHECKPOINT_NEW_PATH, CHECKPOINT_PATH, LOST_DIR } from "./layout";
import { OpenEntry } from "./open-entry";
import { recoverOpenEntry, type RecoveryOutcome } from "./recovery";

/** The device's clocks as the store needs them. */
export interface StoreClock {
  /** Monotonic ms since boot. */
  mono(): number;
  /** Wall-clock ms since 1970, undefined while the RTC has no valid time. */
  wall(): number | undefined;
}

export interface StoreOptions {
  root: Directory;
  deviceId: string;
  signer: Signer;
  clock: StoreClock;
  /** Volume geometry, for littlefs block boundaries and space accounting. */
  blockSize: number;
  blockCount: number;
  /** Longest time appended bytes stay uncommitted (what a power cut can lose), ms. Default 1000. */
  flushMs?: number;
  /** A media entry is sealed and the next opened after this span, ms. Default 60000. */
  maxEntryMs?: number;
  /** ... or after this many bytes. Default 4 MiB. */
  maxEntryBytes?: number;
  /**
   * A journal entry is sealed this long after it was opened, ms (and whenever a recording
   * starts or the device shuts down). Default 15 min: its records are committed within the
   * flush window anyway, and each sealed entry costs at least one 4 KB block.
   */
  journalSealMs?: number;
  /** Blocks kept free for littlefs's copy-on-write and for sealing and journaling when full. */
  reserveBlocks?: number;
  /** Free space below which storage is reported low, as a fraction of the volume. Default 0.1. */
  lowFraction?: number;
  /** Commit on littlefs block boundaries (default true; false only to measure the difference). */
  alignCommits?: boolean;
  /** Firmware identity, journaled at every boot. */
  firmware?: { version: string; build: string };
  /** Where the signing key lives, as the chain announces it. Default "secure-element". */
  keyStore?: "secure-element" | "software";
}

/** What boot found and did. */
export interface BootReport {
  cause: "cold" | "power-loss";
  bootCount: number;
  /** Entries whose rename or seal a power cut interrupted, now in place; `recording` is nonzero for a recording's media entry. */
  recovered: { seq: number; action: RecoveryOutcome["action"]; records: number; droppedBytes: number; kind: EntryKind; recording: number }[];
  /** Open entries that did not continue the chain, kept under lost/. */
  setAside: string[];
}

export interface SpaceReport {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
  level: "ok" | "low" | "full";
}

/** Thrown when media cannot be stored without eating into the reserve. Nothing was written. */
export class StorageFullError extends Error {}

/** Blocks littlefs itself needs beyond the files: superblock pair, chain/ and lost/ pairs, the checkpoint. */
const FIXED_BLOCKS = 8;
/** Below this many free blocks (64 KB, several frames) storage is full: media is refused. */
const FULL_BLOCKS = 16;
/** Each ev/ subdirectory is a metadata pair. */
const BLOCKS_PER_DIRECTORY = 2;

export class EvidenceStore {
  readonly #o: Required<Omit<StoreOptions, "firmware">> & Pick<StoreOptions, "firmware">;
  #cp: Checkpoint;
  #open: OpenEntry | undefined;
  #openKind: EntryKind | undefined;
  #openRecording = 0;
  #spaceLevel: SpaceReport["level"] = "ok";
  /** The sealed entry an offload is reading, kept open between chunks. */
  #reader: { seq: number; file: File; size: number } | undefined;
  readonly boot: BootReport;

  private constructor(options: StoreOptions, cp: Checkpoint, boot: BootReport) {
    this.#o = {
      flushMs: 1000,
      maxEntryMs: 60000,
      maxEntryBytes: 4 * 1024 * 1024,
      journalSealMs: 15 * 60 * 1000,
      reserveBlocks: Math.max(16, Math.ceil(options.blockCount * 0.03)),
      lowFraction: 0.1,
      alignCommits: true,
      keyStore: "secure-element",
      ...options,
    };
    this.#cp = cp;
    this.boot = boot;
  }

  /**
   * Opens the store on a mounted volume: recovers what a power cut left open, counts the
   * boot, and journals it (with the device key on a new chain, and the firmware version).
   */
  static open(options: StoreOptions): EvidenceStore {
    const { root } = options;
    ensureDirectory(root, CHAIN_DIR);
    ensureDirectory(root, EVIDENCE_DIR);
    ensureDirectory(root, OPEN_DIR);
    // Write before reading: a write completes a cross-directory rename a power cut
    // interrupted, which littlefs otherwise hides from lookups (tests/littlefs/littlefs-quirks).
    replaceFile(root, BOOT_MARKER_PATH, BOOT_MARKER_NEW_PATH, BOOT_MARKER);
    const existing = statusOf(root, CHECKPOINT_PATH) ? decodeCheckpoint(readSmallFile(root, CHECKPOINT_PATH)) : undefined;
    const cp: Checkpoint = existing ?? firstCheckpoint(genesisLink(options.deviceId));
    const boot: BootReport = { cause: cp.clean ? "cold" : "power-loss", bootCount: cp.bootCount + 1, recovered: [], setAside: [] };
    const store = new EvidenceStore(options, cp, boot);
    store.#recover();
    if (store.#cp.reclaimPending) store.#removeReclaimed();
    store.#cp = { ...store.#cp, bootCount: boot.bootCount, clean: false };
    store.#checkpoint();

    const last = boot.recovered[boot.recovered.length - 1];
    if (cp.nextSeq === 0 && store.#cp.nextSeq === 0) store.journal("device-key", { publicKey: options.signer.publicKey, store: store.#o.keyStore });
    store.journal("boot", {
      cause: boot.cause,
      bootCount: boot.bootCount,
      recoveredSeq: last ? last.seq : NO_SEQ,
      recoveredRecords: last ? last.records : 0,
    });
    if (options.firmware) store.journal("firmware", options.firmware);
    return store;
  }

  /** The chain head: the next sequence number and the last link. */
  get head(): { nextSeq: number; link: Uint8Array } {
    return { nextSeq: this.#cp.nextSeq, link: this.#cp.link };
  }

  get entriesStored(): number {
    return this.#cp.entries;
  }

  /** Bytes of the sealed entries on the volume. */
  get bytesStored(): number {
    return this.#cp.bytes;
  }

  /** The entry being written, if any. */
  get openEntry(): { seq: number; kind: EntryKind; recording: number; monoStart: number; bytes: number; committed: number; committedAt: number; syncs: number } | undefined {
    const e = this.#open;
    return e && { seq: e.header.seq, kind: this.#openKind!, recording: this.#openRecording, monoStart: e.header.monoStart, bytes: e.size, committed: e.committed, committedAt: e.committedAt, syncs: e.syncs };
  }

  get recording(): number {
    return this.#openKind === EntryKind.Media ? this.#openRecording : 0;
  }

  space(): SpaceReport {
    const blockSize = this.#o.blockSize;
    const dirs = Math.floor(this.#cp.nextSeq / ENTRIES_PER_DIR) + 1;
    const openBlocks = this.#open ? this.#open.blocks : 0;
    const usedBlocks = FIXED_BLOCKS + dirs * BLOCKS_PER_DIRECTORY + this.#cp.blocks + openBlocks;
    const usable = this.#o.blockCount - this.#o.reserveBlocks;
    const freeBlocks = Math.max(0, usable - usedBlocks);
    const level = freeBlocks < FULL_BLOCKS ? "full" : freeBlocks < usable * this.#o.lowFraction ? "low" : "ok";
    return { totalBytes: usable * blockSize, usedBytes: usedBlocks * blockSize, freeBytes: freeBlocks * blockSize, level };
  }

  /**
   * Journals an event: into the open media entry while recording, else into the open
   * journal entry (opened if needed). Journal records may use the reserve: an event such
   * as "storage full" must always be recordable.
   */
  journal<N extends RecordName>(type: N, data: RecordData<N>): void {
    if (RECORDS[type].code >> 8 !== 0x02) throw new RangeError(`${type} is not a journal record`);
    const entry = this.#open ?? this.#begin(EntryKind.Journal, 0);
    const now = this.#o.clock.mono();
    entry.append({ type, t: entry.timeOf(now), data } as EvidenceRecord, now);
  }

  /**
   * Starts a recording: the open journal entry is sealed, a media entry opened. `since`
   * (device ms, not after now) starts the entry earlier, so the pre-event buffer's
   * frames keep their own capture times.
   */
  beginRecording(recording: number, since?: number): void {
    if (this.#openKind === EntryKind.Media) throw new Error(`recording ${this.#openRecording} is still open`);
    if (this.#open) this.#sealOpen();
    this.#begin(EntryKind.Media, recording, since);
  }

  /**
   * Stores a media record of the open recording. Throws StorageFullError, writing
   * nothing, when it would eat into the reserve: the caller then journals the
   * interruption (reason storage full) and ends the recording, which the reserve allows.
   */
  media<N extends "video-frame" | "audio-chunk" | "gnss-fix">(type: N, data: RecordData<N>, capturedAt?: number): void {
    if (this.#openKind !== EntryKind.Media) throw new Error("no recording open");
    const now = this.#o.clock.mono();
    let entry = this.#open!;
    if (now - entry.header.monoStart >= this.#o.maxEntryMs || entry.size >= this.#o.maxEntryBytes) {
      this.#sealOpen();
      entry = this.#begin(EntryKind.Media, this.#openRecording);
    }
    const size = sizeHint(data as unknown as Record<string, unknown>);
    const space = this.space();
    if (space.level === "full" || space.freeBytes < size + this.#o.blockSize) {
      this.#noteSpace({ ...space, level: "full" });
      throw new StorageFullError(`storage full: ${space.freeBytes} bytes free, record needs ${size}`);
    }
    entry.append({ type, t: entry.timeOf(capturedAt ?? now), data } as EvidenceRecord, now);
    this.#noteSpace(this.space());
  }

  /** Ends the recording: its last media entry is sealed. */
  endRecording(): void {
    if (this.#openKind !== EntryKind.Media) throw new Error("no recording open");
    this.#sealOpen();
  }

  /** Called periodically: commits within the flush window, seals a journal entry that has aged. */
  tick(): void {
    const e = this.#open;
    if (!e) return;
    const now = this.#o.clock.mono();
    if (this.#openKind === EntryKind.Journal && now - e.header.monoStart >= this.#o.journalSealMs) this.#sealOpen();
    else e.tick(now);
  }

  /** Seals whatever is open (a journal entry, or the recording's current media entry). */
  sealOpen(): void {
    if (this.#open) this.#sealOpen();
  }

  /** Orderly power-down: everything sealed, and the next boot counts as cold. */
  shutdown(): void {
    this.#closeReader();
    if (this.#open) this.#sealOpen();
    this.#cp = { ...this.#cp, clean: true };
    this.#checkpoint();
  }

  // ---- offload (rule art. 14) and reclaim (art. 16: only what a verified receipt covers)

  /** The last receipted entry and what has been reclaimed (NO_SEQ: none). */
  get offload(): { receiptThrough: number; reclaimedThrough: number } {
    return { receiptThrough: this.#cp.receiptThrough, reclaimedThrough: this.#cp.reclaimedThrough };
  }

  /** First sequence still on the volume. */
  get firstHeld(): number {
    return this.#cp.reclaimedThrough === NO_SEQ ? 0 : this.#cp.reclaimedThrough + 1;
  }

  /** Sealed entries on the volume from `from`, at most `max`: sequence and size. */
  sealedEntries(from: number, max: number): { seq: number; size: number }[] {
    const out: { seq: number; size: number }[] = [];
    for (let seq = Math.max(from, this.firstHeld); seq < this.#cp.nextSeq && out.length < max; seq++) {
      const st = statusOf(this.#o.root, entryPath(seq));
      if (st) out.push({ seq, size: st.size });
    }
    return out;
  }

  /**
   * Bytes of a sealed entry file (undefined when it is not on the volume). An offload reads an
   * entry in many chunks: the file stays open between them (sealed files never change) until
   * another entry is read or a reclaim begins.
   */
  readEntry(seq: number, offset: number, length: number): Uint8Array | undefined {
    if (seq >= this.#cp.nextSeq || seq < this.firstHeld) return undefined;
    if (this.#reader?.seq !== seq) {
      this.#closeReader();
      try {
        const file = this.#o.root.openFile({ path: entryPath(seq), mode: "r" });
        this.#reader = { seq, file, size: file.status().size };
      } catch {
        return undefined;
      }
    }
    const r = this.#reader!;
    if (offset >= r.size) return new Uint8Array(0);
    return readAt(r.file, Math.min(length, r.size - offset), offset);
  }

  #closeReader(): void {
    this.#reader?.file.close();
    this.#reader = undefined;
  }

  /** The seal link of a sealed entry on the volume, read from its seal. */
  linkOf(seq: number): Uint8Array | undefined {
    if (seq === this.#cp.nextSeq - 1) return this.#cp.link;
    const size = seq < this.#cp.nextSeq ? statusOf(this.#o.root, entryPath(seq))?.size : undefined;
    if (size === undefined || size < SEAL_SIZE) return undefined;
    const at = size - SIGNATURE_SIZE - KEY_ID_SIZE - HASH_SIZE;
    return this.readEntry(seq, at, HASH_SIZE);
  }

  /**
   * Records a receipt the caller has checked (signature, store, device): it must cover a
   * sealed entry whose link it names and not go back behind an earlier one. Journaled.
   */
  acceptReceipt(r: { store: string; throughSeq: number; throughLink: Uint8Array; hash: Uint8Array; signature: Uint8Array }): void {
    if (r.throughSeq >= this.#cp.nextSeq) throw new RangeError(`receipt covers entry ${r.throughSeq}, the chain ends at ${this.#cp.nextSeq - 1}`);
    if (this.#cp.receiptThrough !== NO_SEQ && r.throughSeq < this.#cp.receiptThrough) throw new RangeError(`receipt covers entry ${r.throughSeq}, an earlier one already covers ${this.#cp.receiptThrough}`);
    const link = this.linkOf(r.throughSeq);
    if (!link || !bytesEqual(link, r.throughLink)) throw new RangeError(`receipt's link for entry ${r.throughSeq} is not the device's`);
    this.journal("offload-receipt", { store: r.store, throughSeq: r.throughSeq, throughLink: r.throughLink, receipt: r.hash, signature: r.signature });
    this.#cp = { ...this.#cp, receiptThrough: r.throughSeq, receiptLink: r.throughLink.slice() };
    this.#checkpoint();
  }

  /**
   * Frees the space of the entries a journaled receipt covers. The decision is journaled
   * and sealed, and the accounting moved, before any file goes; the device key is
   * announced again so the chain left on the volume still names its key. A power cut
   * during the removals is finished at the next boot.
   */
  reclaim(): { throughSeq: number; entries: number; bytes: number } {
    const through = this.#cp.receiptThrough;
    if (through === NO_SEQ || (this.#cp.reclaimedThrough !== NO_SEQ && through <= this.#cp.reclaimedThrough)) return { throughSeq: this.#cp.reclaimedThrough, entries: 0, bytes: 0 };
    if (this.#openKind === EntryKind.Media) throw new Error("a recording is in progress");
    this.#closeReader();
    const gone = this.sealedEntries(this.firstHeld, through - this.firstHeld + 1);
    let bytes = 0;
    let blocks = 0;
    for (const g of gone) {
      bytes += g.size;
      blocks += CtzBoundaries.blocksFor(this.#o.blockSize, g.size);
    }
    this.journal("space-reclaimed", { throughSeq: through, entries: gone.length, bytes });
    this.journal("device-key", { publicKey: this.#o.signer.publicKey, store: this.#o.keyStore });
    this.#sealOpen();
    this.#cp = { ...this.#cp, entries: this.#cp.entries - gone.length, bytes: this.#cp.bytes - bytes, blocks: this.#cp.blocks - blocks, reclaimedThrough: through, reclaimPending: true };
    this.#checkpoint();
    this.#removeReclaimed();
    this.#noteSpace(this.space());
    return { throughSeq: through, entries: gone.length, bytes };
  }

  /** Removes the files of reclaimed entries still on the volume, then the directories left empty. */
  #removeReclaimed(): void {
    const root = this.#o.root;
    const through = this.#cp.reclaimedThrough;
    const lastDir = Math.floor(through / ENTRIES_PER_DIR);
    for (let d = 0; d <= lastDir; d++) {
      const dir = entryDir(d * ENTRIES_PER_DIR);
      if (!statusOf(root, dir)) continue;
      for (const name of [...root.scan(dir)]) {
        const parsed = parseEntryName(`${dir}/${name}`);
        if (parsed && parsed.sealed && parsed.seq <= through) root.delete(`${dir}/${name}`);
      }
      if ((d + 1) * ENTRIES_PER_DIR - 1 <= through && [...root.scan(dir)].length === 0) root.delete(dir);
    }
    this.#cp = { ...this.#cp, reclaimPending: false };
    this.#checkpoint();
  }

  // ---- internals

  #begin(kind: EntryKind, recording: number, since?: number): OpenEntry {
    const seq = this.#cp.nextSeq;
    const clock = this.#o.clock;
    const now = clock.mono();
    const mono = since === undefined ? now : Math.min(since, now);
    const nowWall = clock.wall();
    const wall = nowWall === undefined ? undefined : nowWall - (now - mono);
    const path = openEntryPath(seq);
    const file = this.#o.root.openFile({ path, mode: "w" });
    const header = {
      kind,
      flags: wall === undefined ? HEADER_FLAG_CLOCK_UNSET : 0,
      deviceId: this.#o.deviceId,
      seq,
      session: this.#cp.bootCount,
      recording,
      wallStart: wall ?? 0,
      monoStart: mono,
      prevLink: this.#cp.link,
    };
    this.#open = new OpenEntry(file, path, header, { flushMs: this.#o.flushMs, blockSize: this.#o.blockSize, alignToBlocks: this.#o.alignCommits }, now);
    this.#openKind = kind;
    this.#openRecording = recording;
    return this.#open;
  }

  #sealOpen(): void {
    const e = this.#open!;
    const now = this.#o.clock.mono();
    const seal = e.seal(this.#o.signer, now);
    this.#open = undefined;
    this.#openKind = undefined;
    this.#place(seal.seq, e.path, seal.link, e.size);
  }

  /**
   * A sealed entry joins the chain: the checkpoint moves the head past it, then the file
   * moves from open/ to its place under ev/. Boot finishes a move a power cut interrupted
   * by looking in open/ alone, never through the evidence directories.
   */
  #place(seq: number, openPath: string, link: Uint8Array, size: number): void {
    this.#cp = {
      ...this.#cp,
      nextSeq: seq + 1,
      link,
      entries: this.#cp.entries + 1,
      bytes: this.#cp.bytes + size,
      blocks: this.#cp.blocks + CtzBoundaries.blocksFor(this.#o.blockSize, size),
    };
    this.#checkpoint();
    this.#moveIntoPlace(seq, openPath);
  }

  #moveIntoPlace(seq: number, openPath: string): void {
    ensureDirectory(this.#o.root, entryDir(seq));
    this.#o.root.move(openPath, entryPath(seq));
  }

  #checkpoint(): void {
    replaceFile(this.#o.root, CHECKPOINT_PATH, CHECKPOINT_NEW_PATH, encodeCheckpoint(this.#cp));
  }

  /** Journals crossing into low or full storage, once per level. */
  #noteSpace(space: SpaceReport): void {
    if (space.level === this.#spaceLevel) return;
    const worse = space.level !== "ok" && (this.#spaceLevel === "ok" || space.level === "full");
    this.#spaceLevel = space.level;
    if (worse) this.journal("storage-low", { freeBytes: space.freeBytes, totalBytes: space.totalBytes, level: space.level === "full" ? "full" : "low" });
  }

  /** Moves a file that does not belong at the head out of the way, to lost/; evidence is never deleted. */
  #setAside(path: string, seq: number, reason: string): void {
    const root = this.#o.root;
    ensureDirectory(root, LOST_DIR);
    const name = path.slice(path.lastIndexOf("/") + 1);
    const aside = `${LOST_DIR}/boot${this.#cp.bootCount + 1}-${name}`;
    root.move(path, aside);
    this.boot.setAside.push(`${path} (entry ${seq}) moved to ${aside}: ${reason}`);
  }

  /** Finishes what a power cut interrupted: the move of a sealed entry, the seal of an open one. */
  #recover(): void {
    const root = this.#o.root;
    const names = [...root.scan(OPEN_DIR)].sort();
    for (const name of names) {
      const path = `${OPEN_DIR}/${name}`;
      const parsed = parseEntryName(path);
      const seq = this.#cp.nextSeq;
      if (!parsed || parsed.sealed || parsed.seq > seq) {
        this.#setAside(path, parsed ? parsed.seq : NO_SEQ, "not the entry the chain continues with");
        continue;
      }
      if (parsed.seq < seq) {
        // Sealed and checkpointed; only its move was cut.
        const prev = recoverOpenEntry(root, path, { deviceId: this.#o.deviceId, seq: parsed.seq, prevLink: undefined }, this.#o.signer, true);
        if (prev.action === "sealed") {
          this.#moveIntoPlace(parsed.seq, path);
          this.boot.recovered.push({ seq: parsed.seq, action: "sealed", records: prev.records, droppedBytes: 0, kind: prev.header.kind, recording: prev.header.recording });
        } else this.#setAside(path, parsed.seq, `behind the head but ${prev.action === "foreign" ? prev.reason : "not sealed"}`);
        continue;
      }
      this.boot.cause = "power-loss";
      const outcome = recoverOpenEntry(root, path, { deviceId: this.#o.deviceId, seq, prevLink: this.#cp.link }, this.#o.signer);
      switch (outcome.action) {
        case "empty":
          break; // no evidence in it; the next entry reuses the name and the sequence number
        case "foreign":
        case "unsealed":
          this.#setAside(path, seq, outcome.action === "foreign" ? outcome.reason : "unreadable");
          break;
        case "sealed":
        case "resealed":
          this.boot.recovered.push({ seq, action: outcome.action, records: outcome.records, droppedBytes: outcome.action === "resealed" ? outcome.droppedBytes : 0, kind: outcome.header.kind, recording: outcome.header.recording });
          this.#place(seq, path, outcome.seal.link, outcome.size);
          break;
      }
    }
  }
}

/** Bytes a media record will take on the volume, near enough for the space check. */
function sizeHint(data: Record<string, unknown>): number {
  let n = 12 + 32 + 64;
  for (const v of Object.values(data)) if (v instanceof Uint8Array) n += v.length;
  return n;
}
