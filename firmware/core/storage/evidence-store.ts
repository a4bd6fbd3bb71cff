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
  HEADER_FLAG_ENCRYPTED,
  NO_SEQ,
  OPEN_DIR,
  openEntryPath,
  parseEntryName,
  parsePartName,
  RECORDS,
  encodeTailHeader,
  tailPartPath,
  prefixPartPath,
  TAIL_HEADER_SIZE,
  decodeTailHeader,
  type EvidenceRecord,
  type RecordData,
  type RecordName,
  type Signer,
} from "../evidence/index";
import { decodeCheckpoint, encodeCheckpoint, firstCheckpoint, type Checkpoint } from "./checkpoint";
import { CtzBoundaries } from "./ctz";
import { ensureDirectory, readAt, readSmallFile, replaceFile, statusOf } from "./files-util";
import { concatBytes, utf8Decode, utf8Encode } from "../evidence/index";
import { BOOT_MARKER, BOOT_MARKER_NEW_PATH, BOOT_MARKER_PATH, CHAIN_DIR, CHECKPOINT_NEW_PATH, CHECKPOINT_PATH, LOST_DIR } from "./layout";
import { CARD_IDENTITY_NEW_PATH, CARD_IDENTITY_PATH, type MediaVolume } from "./media-volume";
import type { EntryKeys } from "../evidence/entry-keys";
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
  /** The card, when one is mounted at boot: media entries go there (attachMedia later otherwise). */
  media?: MediaVolume;
  /** Media entries on the card are sealed after this many bytes. Default 32 MiB. */
  maxCardEntryBytes?: number;
  /** Encrypts every entry opened from now on to the designated store's key (FORMAT §7a); undefined: entries are written in the clear. */
  encryption?: EntryKeys;
}

/** The two volumes: the unit's internal flash, and the card. */
export type VolumeName = "internal" | "card";

/** What the store made of a card put in. */
export type CardAdmission =
  | { accepted: true; firstUse: boolean }
  | { accepted: false; reason: string };

/** Where a sealed entry is: one file, or a split entry's two parts. */
type Location =
  | { split: false; volume: VolumeName; root: Directory; path: string; size: number }
  | { split: true; prefix: Directory; prefixPath: string; tail: Directory; tailPath: string; prefixBytes: number; size: number };

/** A card entry sealed but not yet known to be on the card: it joins the chain (checkpoint) when its last flush is done. */
interface PendingEntry {
  seq: number;
  link: Uint8Array;
  entry: OpenEntry;
}

/** Media captured but not stored, counted until it can be journaled. */
interface LossTally {
  recording: number;
  reason: "queue-full" | "storage-fault";
  frames: number;
  audioChunks: number;
  fixes: number;
  bytes: number;
  firstMs: number;
  lastMs: number;
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
  readonly #o: Required<Omit<StoreOptions, "firmware" | "media" | "encryption">> & Pick<StoreOptions, "firmware">;
  #keys: EntryKeys | undefined;
  /** What is durably on the volumes: the checkpoint as last written. */
  #cp: Checkpoint;
  /** The chain head in RAM: it runs ahead of the checkpoint by the card entries still pending. */
  #head: { nextSeq: number; link: Uint8Array };
  #media: MediaVolume | undefined;
  /** Blocks the store's card entries took (or freed) since the card was mounted. */
  #cardBlocks = 0;
  readonly #cardDirs = new Set<string>();
  #pending: PendingEntry[] = [];
  #lost: LossTally | undefined;
  /** Media records lost since boot (all reasons). */
  mediaLost = { frames: 0, audioChunks: 0, fixes: 0, bytes: 0 };
  #open: OpenEntry | undefined;
  #openVolume: VolumeName = "internal";
  #openKind: EntryKind | undefined;
  #openRecording = 0;
  #spaceLevel: SpaceReport["level"] = "ok";
  /** The sealed entry an offload is reading, kept open between chunks. */
  #reader: { seq: number; file: File; size: number; tail?: File; prefixBytes?: number } | undefined;
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
      maxCardEntryBytes: 32 * 1024 * 1024,
      ...options,
    };
    this.#keys = options.encryption;
    this.#cp = cp;
    this.#head = { nextSeq: cp.nextSeq, link: cp.link };
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
    const media = options.media && store.#admit(options.media);
    if (media?.accepted) store.#media = options.media;
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
    if (options.media && media) store.#journalCard(options.media, media, "");
    return store;
  }

  /** Whether the entries opened from now on are encrypted. */
  get encrypting(): boolean {
    return this.#keys !== undefined;
  }

  /**
   * A new provisioning changed how entries are written: the entry open in the other mode is
   * sealed at once, so no record written after the change lands in it (an officer's name
   * journaled after a store key arrives is never in the clear).
   */
  encryptWith(keys: EntryKeys | undefined): void {
    this.#keys = keys;
    if (this.#open && (this.#open.header.flags & HEADER_FLAG_ENCRYPTED) !== 0 !== (keys !== undefined)) this.#sealOpen();
  }

  /** The chain head: the next sequence number and the last link. */
  get head(): { nextSeq: number; link: Uint8Array } {
    return { nextSeq: this.#head.nextSeq, link: this.#head.link };
  }

  /** The chain head as the checkpoint has it (behind `head` by the card entries not yet on the card). */
  get durableHead(): { nextSeq: number; link: Uint8Array } {
    return { nextSeq: this.#cp.nextSeq, link: this.#cp.link };
  }

  /** The card the store writes media to, if any. */
  get card(): MediaVolume | undefined {
    return this.#media;
  }

  get entriesStored(): number {
    return this.#cp.entries;
  }

  /** Bytes of the sealed entries on the volume. */
  get bytesStored(): number {
    return this.#cp.bytes;
  }

  /** The entry being written, if any. */
  get openEntry(): { seq: number; kind: EntryKind; volume: VolumeName; recording: number; monoStart: number; bytes: number; committed: number; durable: number; committedAt: number; syncs: number } | undefined {
    const e = this.#open;
    return e && { seq: e.header.seq, kind: this.#openKind!, volume: this.#openVolume, recording: this.#openRecording, monoStart: e.header.monoStart, bytes: e.size, committed: e.committed, durable: e.durable, committedAt: e.committedAt, syncs: e.syncs };
  }

  get recording(): number {
    return this.#openKind === EntryKind.Media ? this.#openRecording : 0;
  }

  /** Space for media: on the card when there is one, else on the internal volume. */
  space(): SpaceReport {
    const card = this.#media;
    if (card) {
      const openBlocks = this.#open && this.#openVolume === "card" ? this.#open.blocks : 0;
      const reserve = Math.max(FULL_BLOCKS, Math.ceil(card.blockCount * 0.005));
      const used = card.blocksUsedAtMount + this.#cardBlocks + openBlocks;
      const usable = card.blockCount - reserve;
      const free = Math.max(0, usable - used);
      const level = free < FULL_BLOCKS ? "full" : free < usable * this.#o.lowFraction ? "low" : "ok";
      return { totalBytes: usable * card.blockSize, usedBytes: used * card.blockSize, freeBytes: free * card.blockSize, level };
    }
    const blockSize = this.#o.blockSize;
    const dirs = Math.floor(this.#cp.nextSeq / ENTRIES_PER_DIR) + 1;
    const openBlocks = this.#open && this.#openVolume === "internal" ? this.#open.blocks : 0;
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
    if (this.#open && this.#openVolume === "card") this.#makeRoom(sizeHint(data as unknown as Record<string, unknown>) + JOURNAL_SLACK);
    const entry = this.#open ?? this.#begin(EntryKind.Journal, 0);
    const now = this.#o.clock.mono();
    entry.append({ type, t: entry.timeOf(now), data } as EvidenceRecord, now);
    this.#checkCard();
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
  media<N extends "video-frame" | "audio-chunk" | "gnss-fix">(type: N, data: RecordData<N>, capturedAt?: number): boolean {
    if (this.#openKind !== EntryKind.Media) throw new Error("no recording open");
    const now = this.#o.clock.mono();
    let entry = this.#open!;
    const maxBytes = this.#openVolume === "card" ? this.#o.maxCardEntryBytes : this.#o.maxEntryBytes;
    if (now - entry.header.monoStart >= this.#o.maxEntryMs || entry.size >= maxBytes) {
      this.#sealOpen();
      entry = this.#begin(EntryKind.Media, this.#openRecording);
    }
    const size = sizeHint(data as unknown as Record<string, unknown>);
    const space = this.space();
    if (space.level === "full" || space.freeBytes < size + this.#blockSizeOf(this.#openVolume)) {
      this.#noteSpace({ ...space, level: "full" });
      throw new StorageFullError(`storage full: ${space.freeBytes} bytes free, record needs ${size}`);
    }
    // The card's queue is full (a write stall outlasting it): the record is lost, counted and journaled once there is room again.
    if (this.#openVolume === "card" && !this.#hasRoom(size + JOURNAL_SLACK * (this.#lost ? 2 : 1))) {
      this.#countLost(type, size, capturedAt ?? now, "queue-full");
      return false;
    }
    if (this.#lost) this.#journalLost();
    entry.append({ type, t: entry.timeOf(capturedAt ?? now), data } as EvidenceRecord, now);
    this.#checkCard();
    this.#noteSpace(this.space());
    return true;
  }

  /** Ends the recording: its last media entry is sealed. */
  endRecording(): void {
    if (this.#openKind !== EntryKind.Media) throw new Error("no recording open");
    this.#sealOpen();
  }

  /** Called periodically: commits within the flush window, seals a journal entry that has aged, lets card entries whose bytes are on the card join the chain. */
  tick(): void {
    this.#settle();
    this.#checkCard();
    const e = this.#open;
    if (!e) return;
    const now = this.#o.clock.mono();
    if (this.#openKind === EntryKind.Journal && now - e.header.monoStart >= this.#o.journalSealMs) this.#sealOpen();
    else {
      if (this.#lost && this.#hasRoom(JOURNAL_SLACK)) this.#journalLost();
      e.tick(now);
    }
  }

  /** Seals whatever is open (a journal entry, or the recording's current media entry). */
  sealOpen(): void {
    if (this.#open) this.#sealOpen();
  }

  /** Orderly power-down: everything sealed, and the next boot counts as cold. */
  shutdown(): void {
    this.#closeReader();
    if (this.#lost) this.#journalLost();
    if (this.#open) this.#sealOpen();
    this.#drainMedia();
    this.#cp = { ...this.#cp, clean: true };
    this.#checkpoint();
  }

  // ---- the card (docs/STORAGE.md "Two volumes")

  /**
   * A card came up mounted: media entries go there from the next entry on. A card that carries
   * another chain, or littlefs without this store's identity file but with files on it, is
   * refused and never written. Whatever the card holds of this chain from an earlier removal
   * is put back in place (a split entry's first part, a sealed entry whose move was cut).
   * Journaled either way.
   */
  attachMedia(volume: MediaVolume): CardAdmission {
    if (this.#media) throw new Error("a card is already attached");
    const admission = this.#admit(volume);
    if (admission.accepted) {
      this.#media = volume;
      this.#cardBlocks = 0;
      this.#cardDirs.clear();
      this.#restoreCard();
    }
    this.#journalCard(volume, admission, "");
    return admission;
  }

  /**
   * The card stopped answering (pulled out, or failed): every card entry not yet known to be on
   * it becomes a split entry, its missing bytes and seal written to the internal volume, so
   * the chain goes on with nothing lost. A recording in progress continues on the internal
   * volume (the caller interrupts it, art. 13).
   */
  detachMedia(fault: string, continueRecording = 0): void {
    const card = this.#media;
    if (!card) return;
    this.#closeReader();
    const now = this.#o.clock.mono();
    const recording = this.#open && this.#openVolume === "card" && this.#openKind === EntryKind.Media ? this.#openRecording : continueRecording;
    const splits: PendingEntry[] = [...this.#pending];
    this.#pending = [];
    if (this.#open && this.#openVolume === "card") {
      const e = this.#open;
      const seal = e.sealDetached(this.#o.signer, now);
      splits.push({ seq: seal.seq, link: seal.link, entry: e });
      this.#open = undefined;
      this.#openKind = undefined;
    }
    this.#media = undefined;
    for (const p of splits) this.#placeSplit(p);
    const lastOnCard = splits.length ? splits[splits.length - 1].seq : NO_SEQ;
    if (recording) this.#begin(EntryKind.Media, recording);
    this.journal("card", { event: "removed", serial: card.serial, capacity: card.capacityBytes, seq: lastOnCard, detail: fault });
  }

  /** Reads the card's identity file: ours, new (written now), or someone else's. */
  #admit(volume: MediaVolume): CardAdmission {
    const root = volume.root;
    const owner = statusOf(root, CARD_IDENTITY_PATH) ? utf8Decode(readSmallFile(root, CARD_IDENTITY_PATH)) : undefined;
    if (owner === this.#o.deviceId) return { accepted: true, firstUse: false };
    if (owner !== undefined) return { accepted: false, reason: `the card carries the chain of unit ${owner}` };
    const names = [...root.scan()];
    if (names.length > 0) return { accepted: false, reason: `the card holds files (${names.slice(0, 3).join(", ")}) but no unit's identity` };
    ensureDirectory(root, CHAIN_DIR);
    replaceFile(root, CARD_IDENTITY_PATH, CARD_IDENTITY_NEW_PATH, utf8Encode(this.#o.deviceId));
    ensureDirectory(root, EVIDENCE_DIR);
    ensureDirectory(root, OPEN_DIR);
    root.status(OPEN_DIR); // waits for the queue: the identity is on the card before anything else goes there
    return { accepted: true, firstUse: true };
  }

  #journalCard(volume: MediaVolume, admission: CardAdmission, detail: string): void {
    const event = admission.accepted ? (admission.firstUse ? "formatted" : "mounted") : "refused";
    this.journal("card", { event, serial: volume.serial, capacity: volume.capacityBytes, seq: admission.accepted ? this.#head.nextSeq : NO_SEQ, detail: admission.accepted ? detail : admission.reason });
  }

  /** Journals a card event the store does not see itself (unreadable, read or format failure). */
  journalCardProblem(event: "unreadable" | "read-failed" | "format-failed", serial: string, capacity: number, detail: string): void {
    this.journal("card", { event, serial, capacity, seq: NO_SEQ, detail });
  }

  /** What a card put back holds of the chain from before: first parts of split entries, entries whose move was cut, reclaimed entries still there. */
  #restoreCard(): void {
    const card = this.#media!;
    const root = card.root;
    for (const name of [...root.scan(OPEN_DIR)].sort()) {
      const path = `${OPEN_DIR}/${name}`;
      const parsed = parseEntryName(path);
      if (!parsed || parsed.seq >= this.#cp.nextSeq) {
        this.#setAside(root, path, parsed ? parsed.seq : NO_SEQ, "the chain went on without it while the card was out");
        continue;
      }
      if (statusOf(this.#o.root, tailPartPath(parsed.seq))) {
        ensureDirectory(root, entryDir(parsed.seq));
        root.move(path, prefixPartPath(parsed.seq));
        continue;
      }
      const prev = recoverOpenEntry(root, path, { deviceId: this.#o.deviceId, seq: parsed.seq, prevLink: undefined }, this.#o.signer, true);
      if (prev.action === "sealed") this.#moveIntoPlace(root, parsed.seq, path);
      else this.#setAside(root, path, parsed.seq, "behind the head but not sealed");
    }
    if (this.#cp.reclaimedThrough !== NO_SEQ) this.#removeReclaimedFrom(root);
    root.status(OPEN_DIR);
  }

  /** Writes a split entry's tail part (the bytes the card never took, and the seal) to the internal volume, and lets the entry join the chain. */
  #placeSplit(p: PendingEntry): void {
    const e = p.entry;
    const prefixBytes = e.durable;
    const bytes = concatBytes([encodeTailHeader(prefixBytes, e.writer.headerBytes), e.notDurable()]);
    const root = this.#o.root;
    // Written whole to open/ under its part name, then checkpointed, then moved: boot finds it there if cut.
    const openPath = `${OPEN_DIR}/${tailPartPath(p.seq).slice(tailPartPath(p.seq).lastIndexOf("/") + 1)}`;
    replaceFile(root, openPath, `${openPath}.new`, bytes);
    this.#advance(p.seq, p.link, bytes.length, "internal");
    ensureDirectory(root, entryDir(p.seq));
    root.move(openPath, tailPartPath(p.seq));
  }

  /** Card entries whose last flush is done join the chain, in order. */
  #settle(): void {
    const q = this.#media?.queue;
    while (q && this.#pending.length && this.#pending[0].entry.lastTicket <= q.flushesDone && this.#pending[0].entry.failure === undefined) {
      const p = this.#pending.shift()!;
      this.#advance(p.seq, p.link, p.entry.size, "card");
      try {
        this.#moveIntoPlace(this.#media!.root, p.seq, p.entry.path);
      } catch {
        // The card went between the checkpoint and the move: the entry stays in the card's
        // open/, sealed, and is moved into place when the card comes back (#restoreCard).
        this.#detachIfGone();
        return;
      }
    }
  }

  /**
   * After an operation that wrote to the card: if the card has stopped taking bytes (an
   * entry's write failed, or the module says so), the store lets it go (detachMedia).
   */
  #checkCard(): void {
    if (!this.#media) return;
    const failed = (this.#open && this.#openVolume === "card" && this.#open.failure !== undefined) || this.#pending.some((p) => p.entry.failure !== undefined);
    if (failed) this.#detachIfGone(true);
  }

  #detachIfGone(failed = false): void {
    const card = this.#media;
    if (!card) return;
    const fault = card.fault();
    if (fault !== undefined || failed) this.detachMedia(fault ?? "the card stopped taking writes");
  }

  /** Waits until everything queued for the card is on it (a status call waits for the queue), then settles. */
  #drainMedia(): void {
    const card = this.#media;
    if (!card) return;
    try {
      card.root.status(OPEN_DIR);
      const placed = this.#pending.length;
      this.#settle();
      // The moves into place that settling queued are on the card too before this returns.
      if (placed) card.root.status(OPEN_DIR);
    } catch (e) {
      this.detachMedia(`card stopped answering: ${(e as Error).message}`);
    }
  }

  #hasRoom(bytes: number): boolean {
    const q = this.#media?.queue;
    return !q || q.capacity - q.used >= bytes;
  }

  /** A record that must not be lost (journal, seal) waits for room in the card's queue. */
  #makeRoom(bytes: number): void {
    if (!this.#hasRoom(bytes)) this.#drainMedia();
  }

  #countLost(type: "video-frame" | "audio-chunk" | "gnss-fix", bytes: number, at: number, reason: LossTally["reason"]): void {
    const l = (this.#lost ??= { recording: this.#openRecording, reason, frames: 0, audioChunks: 0, fixes: 0, bytes: 0, firstMs: at, lastMs: at });
    const key = type === "video-frame" ? "frames" : type === "audio-chunk" ? "audioChunks" : "fixes";
    l[key]++;
    this.mediaLost[key]++;
    l.bytes += bytes;
    this.mediaLost.bytes += bytes;
    l.lastMs = at;
  }

  #journalLost(): void {
    const l = this.#lost!;
    this.#lost = undefined;
    this.journal("media-lost", l);
  }

  #blockSizeOf(volume: VolumeName): number {
    return volume === "card" && this.#media ? this.#media.blockSize : this.#o.blockSize;
  }

  #rootOf(volume: VolumeName): Directory {
    return volume === "card" ? this.#media!.root : this.#o.root;
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

  /**
   * Where sealed entry `seq` is: the internal volume, the card, or split across them (a
   * split entry whose card is out is not readable, so not listed).
   */
  #locate(seq: number): Location | undefined {
    if (seq >= this.#cp.nextSeq || seq < this.firstHeld) return undefined;
    const internal = this.#o.root;
    const whole = statusOf(internal, entryPath(seq));
    if (whole) return { split: false, volume: "internal", root: internal, path: entryPath(seq), size: whole.size };
    const card = this.#media?.root;
    const tail = statusOf(internal, tailPartPath(seq));
    if (tail) {
      if (!card || !statusOf(card, prefixPartPath(seq))) return undefined;
      const f = internal.openFile({ path: tailPartPath(seq), mode: "r" });
      let prefixBytes: number;
      try {
        prefixBytes = decodeTailHeader(readAt(f, TAIL_HEADER_SIZE, 0)).prefixBytes;
      } finally {
        f.close();
      }
      return { split: true, prefix: card, prefixPath: prefixPartPath(seq), tail: internal, tailPath: tailPartPath(seq), prefixBytes, size: prefixBytes + tail.size - TAIL_HEADER_SIZE };
    }
    const onCard = card && statusOf(card, entryPath(seq));
    if (onCard) return { split: false, volume: "card", root: card, path: entryPath(seq), size: onCard.size };
    return undefined;
  }

  /** Sealed entries on the volumes from `from`, at most `max`: sequence and size (a split entry's size joined). */
  sealedEntries(from: number, max: number): { seq: number; size: number }[] {
    const out: { seq: number; size: number }[] = [];
    for (let seq = Math.max(from, this.firstHeld); seq < this.#cp.nextSeq && out.length < max; seq++) {
      const at = this.#locate(seq);
      if (at) out.push({ seq, size: at.size });
    }
    return out;
  }

  /**
   * Bytes of a sealed entry (undefined when it is not on the volumes). An offload reads an
   * entry in many chunks: the file stays open between them (sealed files never change) until
   * another entry is read or a reclaim begins. A split entry reads as the one entry it is.
   */
  readEntry(seq: number, offset: number, length: number): Uint8Array | undefined {
    if (seq >= this.#cp.nextSeq || seq < this.firstHeld) return undefined;
    if (this.#reader?.seq !== seq) {
      this.#closeReader();
      const at = this.#locate(seq);
      if (!at) return undefined;
      try {
        if (at.split) {
          const prefix = at.prefix.openFile({ path: at.prefixPath, mode: "r" });
          const tail = at.tail.openFile({ path: at.tailPath, mode: "r" });
          this.#reader = { seq, file: prefix, tail, prefixBytes: at.prefixBytes, size: at.size };
        } else {
          const file = at.root.openFile({ path: at.path, mode: "r" });
          this.#reader = { seq, file, size: file.status().size };
        }
      } catch {
        return undefined;
      }
    }
    const r = this.#reader!;
    if (offset >= r.size) return new Uint8Array(0);
    const n = Math.min(length, r.size - offset);
    if (!r.tail) return readAt(r.file, n, offset);
    const pb = r.prefixBytes!;
    const head = offset < pb ? readAt(r.file, Math.min(n, pb - offset), offset) : new Uint8Array(0);
    if (head.length === n) return head;
    const rest = readAt(r.tail, n - head.length, TAIL_HEADER_SIZE + Math.max(0, offset - pb));
    return head.length ? concatBytes([head, rest]) : rest;
  }

  #closeReader(): void {
    this.#reader?.file.close();
    this.#reader?.tail?.close();
    this.#reader = undefined;
  }

  /** The seal link of a sealed entry on the volumes, read from its seal. */
  linkOf(seq: number): Uint8Array | undefined {
    if (seq === this.#cp.nextSeq - 1) return this.#cp.link;
    const size = this.#locate(seq)?.size;
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
   * during the removals is finished at the next boot (on the card, when it is next put in).
   */
  reclaim(): { throughSeq: number; entries: number; bytes: number } {
    const through = this.#cp.receiptThrough;
    if (through === NO_SEQ || (this.#cp.reclaimedThrough !== NO_SEQ && through <= this.#cp.reclaimedThrough)) return { throughSeq: this.#cp.reclaimedThrough, entries: 0, bytes: 0 };
    if (this.#openKind === EntryKind.Media) throw new Error("a recording is in progress");
    this.#closeReader();
    this.#drainMedia();
    let bytes = 0;
    let blocks = 0;
    let cardBlocks = 0;
    let entries = 0;
    for (let seq = this.firstHeld; seq <= through; seq++) {
      const at = this.#locate(seq);
      if (!at) continue;
      entries++;
      bytes += at.size;
      if (!at.split && at.volume === "card") cardBlocks += CtzBoundaries.blocksFor(this.#media!.blockSize, at.size);
      else blocks += CtzBoundaries.blocksFor(this.#o.blockSize, at.split ? at.size - at.prefixBytes + TAIL_HEADER_SIZE : at.size);
    }
    this.journal("space-reclaimed", { throughSeq: through, entries, bytes });
    this.journal("device-key", { publicKey: this.#o.signer.publicKey, store: this.#o.keyStore });
    this.#sealOpen();
    this.#cp = { ...this.#cp, entries: this.#cp.entries - entries, bytes: this.#cp.bytes - bytes, blocks: this.#cp.blocks - blocks, reclaimedThrough: through, reclaimPending: true };
    this.#cardBlocks -= cardBlocks;
    this.#checkpoint();
    this.#removeReclaimed();
    this.#noteSpace(this.space());
    return { throughSeq: through, entries, bytes };
  }

  /** Removes the files of reclaimed entries still on the volumes, then the directories left empty. */
  #removeReclaimed(): void {
    this.#removeReclaimedFrom(this.#o.root);
    if (this.#media) {
      this.#removeReclaimedFrom(this.#media.root);
      this.#media.root.status(OPEN_DIR);
    }
    this.#cp = { ...this.#cp, reclaimPending: false };
    this.#checkpoint();
  }

  #removeReclaimedFrom(root: Directory): void {
    const through = this.#cp.reclaimedThrough;
    const lastDir = Math.floor(through / ENTRIES_PER_DIR);
    for (let d = 0; d <= lastDir; d++) {
      const dir = entryDir(d * ENTRIES_PER_DIR);
      if (!statusOf(root, dir)) continue;
      for (const name of [...root.scan(dir)]) {
        const parsed = parseEntryName(`${dir}/${name}`) ?? parsePartName(`${dir}/${name}`);
        if (parsed && (!("sealed" in parsed) || parsed.sealed) && parsed.seq <= through) root.delete(`${dir}/${name}`);
      }
      if ((d + 1) * ENTRIES_PER_DIR - 1 <= through && [...root.scan(dir)].length === 0) root.delete(dir);
    }
  }

  // ---- internals

  #begin(kind: EntryKind, recording: number, since?: number): OpenEntry {
    const volume: VolumeName = kind === EntryKind.Media && this.#media ? "card" : "internal";
    // An entry on the internal volume never joins the chain ahead of a card entry still in the queue.
    if (volume === "internal" && this.#pending.length) this.#drainMedia();
    const seq = this.#head.nextSeq;
    const clock = this.#o.clock;
    const now = clock.mono();
    const mono = since === undefined ? now : Math.min(since, now);
    const nowWall = clock.wall();
    const wall = nowWall === undefined ? undefined : nowWall - (now - mono);
    const path = openEntryPath(seq);
    if (volume === "card") this.#makeRoom(JOURNAL_SLACK);
    let root = this.#rootOf(volume);
    let file: File;
    try {
      file = root.openFile({ path, mode: "w" });
    } catch (e) {
      if (volume !== "card") throw e;
      // The card has gone: let it go; the entry opens on the internal volume instead.
      this.detachMedia(this.#media!.fault() ?? "the card stopped taking writes", recording);
      return this.#open!;
    }
    const keys = this.#keys?.forEntry(this.#o.deviceId, seq);
    const header = {
      kind,
      flags: (wall === undefined ? HEADER_FLAG_CLOCK_UNSET : 0) | (keys ? HEADER_FLAG_ENCRYPTED : 0),
      deviceId: this.#o.deviceId,
      seq,
      session: this.#cp.bootCount,
      recording,
      wallStart: wall ?? 0,
      monoStart: mono,
      prevLink: this.#head.link,
    };
    const queue = volume === "card" ? this.#media!.queue : undefined;
    this.#open = new OpenEntry(file, path, header, { flushMs: this.#o.flushMs, blockSize: this.#blockSizeOf(volume), alignToBlocks: this.#o.alignCommits, queue }, now, keys);
    this.#openVolume = volume;
    this.#openKind = kind;
    this.#openRecording = recording;
    return this.#open;
  }

  #sealOpen(): void {
    const e = this.#open!;
    const now = this.#o.clock.mono();
    if (this.#openVolume === "card") this.#makeRoom(SEAL_SIZE + JOURNAL_SLACK);
    const seal = e.seal(this.#o.signer, now);
    this.#open = undefined;
    this.#openKind = undefined;
    this.#head = { nextSeq: seal.seq + 1, link: seal.link };
    if (this.#openVolume === "card") {
      this.#pending.push({ seq: seal.seq, link: seal.link, entry: e });
      this.#settle();
    } else this.#place(seal.seq, e.path, seal.link, e.size, "internal");
  }

  /**
   * A sealed entry joins the chain: the checkpoint moves the head past it, then the file
   * moves from open/ to its place under ev/. Boot finishes a move a power cut interrupted
   * by looking in open/ alone, never through the evidence directories.
   */
  #place(seq: number, openPath: string, link: Uint8Array, size: number, volume: VolumeName): void {
    this.#advance(seq, link, size, volume);
    this.#moveIntoPlace(this.#rootOf(volume), seq, openPath);
  }

  #advance(seq: number, link: Uint8Array, size: number, volume: VolumeName): void {
    const blocks = CtzBoundaries.blocksFor(this.#blockSizeOf(volume), size);
    this.#cp = {
      ...this.#cp,
      nextSeq: seq + 1,
      link,
      entries: this.#cp.entries + 1,
      bytes: this.#cp.bytes + size,
      blocks: this.#cp.blocks + (volume === "internal" ? blocks : 0),
    };
    if (volume === "card") this.#cardBlocks += blocks;
    if (this.#head.nextSeq <= seq) this.#head = { nextSeq: seq + 1, link };
    this.#checkpoint();
  }

  #moveIntoPlace(root: Directory, seq: number, openPath: string): void {
    this.#ensureEntryDir(root, seq);
    root.move(openPath, entryPath(seq));
  }

  /**
   * The ev/ directory for `seq`. On the card this must not wait for the queue (a status call
   * would): littlefs's mkdir of an existing directory is a harmless no-op there, done once per
   * directory per attach.
   */
  #ensureEntryDir(root: Directory, seq: number): void {
    const dir = entryDir(seq);
    if (root === this.#o.root) ensureDirectory(root, dir);
    else if (!this.#cardDirs.has(dir)) {
      root.createDirectory(dir);
      this.#cardDirs.add(dir);
    }
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
  #setAside(root: Directory, path: string, seq: number, reason: string): void {
    ensureDirectory(root, LOST_DIR);
    const name = path.slice(path.lastIndexOf("/") + 1);
    const aside = `${LOST_DIR}/boot${this.#cp.bootCount + 1}-${name}`;
    root.move(path, aside);
    this.boot.setAside.push(`${root === this.#o.root ? "" : "card:"}${path} (entry ${seq}) moved to ${aside}: ${reason}`);
  }

  /**
   * Finishes what a power cut interrupted: the move of a sealed entry, the seal of an open one,
   * on either volume, in sequence order (a card entry's checkpoint can trail its seal).
   */
  #recover(): void {
    const found: { seq: number; volume: VolumeName; path: string; name: string }[] = [];
    const volumes: VolumeName[] = this.#media ? ["internal", "card"] : ["internal"];
    for (const volume of volumes) {
      for (const name of [...this.#rootOf(volume).scan(OPEN_DIR)].sort()) {
        const m = /^(\d{10})\./.exec(name);
        found.push({ seq: m ? Number(m[1]) : NO_SEQ, volume, path: `${OPEN_DIR}/${name}`, name });
      }
    }
    found.sort((a, b) => a.seq - b.seq || a.name.localeCompare(b.name));
    for (const f of found) this.#recoverOne(f.volume, f.path);
    this.#drainMedia();
  }

  #recoverOne(volume: VolumeName, path: string): void {
    const root = this.#rootOf(volume);
    const seq = this.#cp.nextSeq;
    const part = parsePartName(path);
    if (part && volume === "internal") {
      // A split entry's tail, written whole (renamed from .new) before its checkpoint.
      const size = statusOf(root, path)!.size;
      if (part.seq < seq) this.#moveTail(part.seq, path);
      else if (part.seq === seq && size >= TAIL_HEADER_SIZE + SEAL_SIZE) {
        const link = readLinkAt(root, path, size);
        this.#advance(seq, link, size, "internal");
        this.#moveTail(seq, path);
      } else this.#setAside(root, path, part.seq, "not the entry the chain continues with");
      return;
    }
    const parsed = parseEntryName(path);
    if (!parsed || parsed.sealed || parsed.seq > seq) {
      this.#setAside(root, path, parsed ? parsed.seq : NO_SEQ, "not the entry the chain continues with");
      return;
    }
    if (parsed.seq < seq) {
      // Sealed and checkpointed; only its move was cut (or, on the card, it is a split entry's first part).
      if (volume === "card" && statusOf(this.#o.root, tailPartPath(parsed.seq))) {
        ensureDirectory(root, entryDir(parsed.seq));
        root.move(path, prefixPartPath(parsed.seq));
        return;
      }
      const prev = recoverOpenEntry(root, path, { deviceId: this.#o.deviceId, seq: parsed.seq, prevLink: undefined }, this.#o.signer, true);
      if (prev.action === "sealed") {
        this.#moveIntoPlace(root, parsed.seq, path);
        this.boot.recovered.push({ seq: parsed.seq, action: "sealed", records: prev.records, droppedBytes: 0, kind: prev.header.kind, recording: prev.header.recording });
      } else this.#setAside(root, path, parsed.seq, `behind the head but ${prev.action === "foreign" ? prev.reason : "not sealed"}`);
      return;
    }
    this.boot.cause = "power-loss";
    const outcome = recoverOpenEntry(root, path, { deviceId: this.#o.deviceId, seq, prevLink: this.#cp.link }, this.#o.signer);
    switch (outcome.action) {
      case "empty":
        // No evidence in it. On the internal volume the next entry reuses the name and the
        // sequence number; on the card the next entry may be a journal entry on the internal
        // volume, so the empty file goes out of the card's open/ (kept, as everything is).
        if (volume === "card") this.#setAside(root, path, seq, "empty: nothing of it reached the card");
        break;
      case "foreign":
      case "unsealed":
        this.#setAside(root, path, seq, outcome.action === "foreign" ? outcome.reason : "unreadable");
        break;
      case "sealed":
      case "resealed":
        this.boot.recovered.push({ seq, action: outcome.action, records: outcome.records, droppedBytes: outcome.action === "resealed" ? outcome.droppedBytes : 0, kind: outcome.header.kind, recording: outcome.header.recording });
        // The seal a recovery wrote on the card is on it before the checkpoint names it.
        if (volume === "card") root.status(OPEN_DIR);
        this.#place(seq, path, outcome.seal.link, outcome.size, volume);
        break;
    }
  }

  #moveTail(seq: number, path: string): void {
    ensureDirectory(this.#o.root, entryDir(seq));
    this.#o.root.move(path, tailPartPath(seq));
  }
}

/** Reads the seal link at the end of an entry (or tail part) of `size` bytes. */
function readLinkAt(root: Directory, path: string, size: number): Uint8Array {
  const f = root.openFile({ path, mode: "r" });
  try {
    return readAt(f, HASH_SIZE, size - SIGNATURE_SIZE - KEY_ID_SIZE - HASH_SIZE);
  } finally {
    f.close();
  }
}

/** Room a journal record (or a header, a seal) is given in the card's queue beyond its byte fields. */
const JOURNAL_SLACK = 1024;

/** Bytes a media record will take on the volume, near enough for the space check. */
function sizeHint(data: Record<string, unknown>): number {
  let n = 12 + 32 + 64;
  for (const v of Object.values(data)) if (v instanceof Uint8Array) n += v.length;
  return n;
}
