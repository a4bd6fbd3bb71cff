// A microSD card model below the SDMMC host: 512-byte sectors, a 32 GB capacity held sparsely,
// command-level timing, seeded write stalls, power cuts that tear or lose the sectors in
// flight, read errors, and the card pulled out. docs/CARD-MODEL.md gives the figures' sources.
//
// Timing (1-bit SDMMC at 40 MHz on the ESP32-S3, writes of ≥ 32 KB from PSRAM):
// - a write command costs `writeCommandMs` (command, CRC status, the card's programming busy)
//   plus its bytes at `writeBytesPerSecond` (~1 MB/s sustained measured on the S3 in 1-bit);
// - a read command `readCommandMs` plus its bytes at `readBytesPerSecond` (3.6 MB/s sequential
//   measured on the S3 in 1-bit, docs/CARD-MODEL.md);
// - a stall: when a write goes to an allocation unit (4 MiB, the AU of a 32 GB SDHC card) that
//   is not among the few the controller keeps open (`openUnits`, least recently used), with
//   `stallChance`, the card stays busy a seeded time up to `stallMaxMs` — the SD
//   Physical Layer Specification's write busy timeout for SDHC, 250 ms, which a conforming
//   card never exceeds;
// - sync (CMD13 polling until not busy) costs `syncMs`.
//
// Power cut at write operation N (counted from arming): that write lands a seeded prefix of its
// sectors, the next sector torn (a seeded prefix of its new bytes over the old), and with
// `loseUnsynced` writes since the last sync may be lost as a seeded suffix (the card's own
// write cache). Then every command throws PowerCut until reboot().
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readSync, writeSync, fstatSync } from 'node:fs';
import { PowerCut } from '../flash/nor';
import { Random } from '../random';

export const SECTOR = 512;
/** A "32 GB" SDHC card's user area: 62,333,952 sectors (SanDisk Ultra 32 GB's CSD C_SIZE 60,871 → (C_SIZE+1) × 512 KiB). */
export const SECTORS_32GB = (60_871 + 1) * 1024;
/** Sparse storage unit. */
const CHUNK = 64 * 1024;
const SECTORS_PER_CHUNK = CHUNK / SECTOR;
/** The allocation unit of a 32 GB SDHC card (SD spec AU_SIZE for 32 GB: 4 MiB). */
export const AU_BYTES = 4 * 1024 * 1024;

export interface SdTimings {
  writeCommandMs: number;
  writeBytesPerSecond: number;
  readCommandMs: number;
  readBytesPerSecond: number;
  syncMs: number;
  /** Chance that a write entering a new allocation unit stalls. */
  stallChance: number;
  stallMinMs: number;
  /** The SD spec's write busy timeout for SDHC. */
  stallMaxMs: number;
  /** Allocation units the controller keeps open for writing (cheap cards: 2 to 4). */
  openUnits: number;
}

export const DEFAULT_SD_TIMINGS: SdTimings = {
  writeCommandMs: 1.0,
  writeBytesPerSecond: 1.0e6,
  readCommandMs: 0.5,
  readBytesPerSecond: 3.6e6,
  syncMs: 0.2,
  stallChance: 0.25,
  stallMinMs: 50,
  stallMaxMs: 250,
  openUnits: 4,
};

export interface SdCardOptions {
  sectors?: number;
  /** CID: manufacturer id, OEM id, product name, serial. */
  cid?: string;
  seed?: number;
  timings?: Partial<SdTimings>;
  /** What a never-written sector reads as (0x00: DATA_STAT_AFTER_ERASE 0, the common factory state). */
  erasedValue?: 0x00 | 0xff;
}

/** Called when an armed power cut fires on the card: the whole unit loses power at that instant. */
export type PowerCutListener = () => void;

export interface SdCounters {
  reads: number;
  readSectors: number;
  writes: number;
  writtenSectors: number;
  syncs: number;
  stalls: number;
  stallMs: number;
  /** Modeled time the card was busy, ms. */
  busyMs: number;
}

export class CardAbsentError extends Error {
  override readonly name = 'CardAbsentError';
}

export class CardReadError extends Error {
  override readonly name = 'CardReadError';
  /** littlefs treats it as a bad block (LFS_ERR_CORRUPT), not as the card gone. */
  readonly code = 'LFS_ERR_CORRUPT';
}

export class SdUsageError extends Error {
  override readonly name = 'SdUsageError';
}

export interface SdPowerCut {
  atWrite: number;
  seed?: number;
  /** Writes since the last sync may be lost (a seeded suffix of them). */
  loseUnsynced?: boolean;
}

export class SdCard {
  readonly sectors: number;
  readonly cid: string;
  readonly timings: SdTimings;
  readonly erasedValue: number;
  readonly counters: SdCounters = { reads: 0, readSectors: 0, writes: 0, writtenSectors: 0, syncs: 0, stalls: 0, stallMs: 0, busyMs: 0 };
  /** Sectors whose reads fail (persistent media errors). */
  readonly badSectors = new Set<number>();
  readonly #chunks = new Map<number, Uint8Array>();
  /** A card loaded from an image reads its chunks from the file when first touched (a 32 GB image is mostly holes). */
  #file: { fd: number; size: number } | undefined;
  readonly #erasedChunks = new Set<number>();
  readonly #rng: Random;
  /** Open allocation units, least recently written first. */
  readonly #openAus: number[] = [];
  #cut: SdPowerCut | undefined;
  #writesSinceArm = 0;
  #powered = true;
  /** Since the last sync: the writes, with what the sectors held before, so a cut can lose them. */
  #unsynced: { lba: number; before: Uint8Array }[] = [];
  /** The rest of the unit, told when a cut armed here fires (the internal flash loses power too). */
  onPowerCut: PowerCutListener | undefined;

  constructor(options: SdCardOptions = {}) {
    this.sectors = options.sectors ?? SECTORS_32GB;
    const seed = options.seed ?? 1;
    this.cid = options.cid ?? `03-SD-SC32G-${((seed * 2654435761) >>> 0).toString(16).padStart(8, '0')}`;
    this.timings = { ...DEFAULT_SD_TIMINGS, ...options.timings };
    this.erasedValue = options.erasedValue ?? 0x00;
    this.#rng = new Random(seed * 7919 + 17);
  }

  get capacityBytes(): number {
    return this.sectors * SECTOR;
  }

  /** Bytes held in memory (the sparse chunks written so far). */
  get residentBytes(): number {
    return this.#chunks.size * CHUNK;
  }

  readSectors(lba: number, count: number): Uint8Array {
    this.#check(lba, count);
    this.#powerCheck('read');
    for (let s = lba; s < lba + count; s++) if (this.badSectors.has(s)) throw new CardReadError(`card read error at sector ${s}`);
    this.counters.reads++;
    this.counters.readSectors += count;
    this.counters.busyMs += this.timings.readCommandMs + (count * SECTOR * 1000) / this.timings.readBytesPerSecond;
    const out = new Uint8Array(count * SECTOR);
    for (let i = 0; i < count; i++) out.set(this.#sector(lba + i), i * SECTOR);
    return out;
  }

  /** What the sectors hold, read from outside the unit (a card reader): no time, no counters, no faults. */
  peek(lba: number, count: number): Uint8Array {
    this.#check(lba, count);
    const out = new Uint8Array(count * SECTOR);
    for (let i = 0; i < count; i++) out.set(this.#sector(lba + i), i * SECTOR);
    return out;
  }

  writeSectors(lba: number, data: Uint8Array): void {
    if (data.length === 0 || data.length % SECTOR !== 0) throw new SdUsageError(`card write of ${data.length} bytes is not whole sectors`);
    const count = data.length / SECTOR;
    this.#check(lba, count);
    this.#powerCheck('write');
    const index = this.#writesSinceArm++;
    if (this.#cut && index === this.#cut.atWrite) return this.#cutDuring(lba, data);
    this.counters.writes++;
    this.counters.writtenSectors += count;
    let ms = this.timings.writeCommandMs + (data.length * 1000) / this.timings.writeBytesPerSecond;
    const au = Math.floor(((lba + count - 1) * SECTOR) / AU_BYTES);
    const open = this.#openAus.indexOf(au);
    if (open >= 0) this.#openAus.splice(open, 1);
    this.#openAus.push(au);
    if (open < 0) {
      if (this.#openAus.length > this.timings.openUnits) this.#openAus.shift();
      if (this.#rng.chance(this.timings.stallChance)) {
        const stall = this.#rng.range(this.timings.stallMinMs, this.timings.stallMaxMs);
        this.counters.stalls++;
        this.counters.stallMs += stall;
        ms += stall;
      }
    }
    this.counters.busyMs += ms;
    for (let i = 0; i < count; i++) this.#put(lba + i, data.subarray(i * SECTOR, (i + 1) * SECTOR), true);
  }

  /** Waits until the card has finished programming (CMD13 until ready): the barrier littlefs's sync asks for. */
  sync(): void {
    this.#powerCheck('sync');
    this.counters.syncs++;
    this.counters.busyMs += this.timings.syncMs;
    this.#unsynced = [];
  }

  armPowerCut(cut: SdPowerCut): void {
    this.#cut = cut;
    this.#writesSinceArm = 0;
  }

  disarmPowerCut(): void {
    this.#cut = undefined;
  }

  /** Write commands since arming (the index the next write would have). */
  get writeIndex(): number {
    return this.#writesSinceArm;
  }

  /** Power comes back: the card answers again with what reached its flash. */
  reboot(): void {
    this.#powered = true;
    this.#unsynced = [];
    this.#cut = undefined;
  }

  /** Power is lost now, between commands: with `loseUnsynced` the card's cache may lose recent writes. */
  cutPower(seed = 1, loseUnsynced = false): void {
    if (loseUnsynced) this.#loseSuffix(new Random(seed));
    this.#powered = false;
  }

  get powered(): boolean {
    return this.#powered;
  }

  #cutDuring(lba: number, data: Uint8Array): void {
    const rng = new Random(this.#cut!.seed ?? 1);
    const count = data.length / SECTOR;
    const landed = rng.int(count + 1);
    for (let i = 0; i < landed; i++) this.#put(lba + i, data.subarray(i * SECTOR, (i + 1) * SECTOR), false);
    if (landed < count) {
      // The sector being programmed: a prefix of its new bytes over the old.
      const torn = this.#sector(lba + landed).slice();
      const n = rng.int(SECTOR);
      torn.set(data.subarray(landed * SECTOR, landed * SECTOR + n));
      this.#put(lba + landed, torn, false);
    }
    if (this.#cut!.loseUnsynced) this.#loseSuffix(rng);
    this.#powered = false;
    this.onPowerCut?.();
    throw new PowerCut('write', this.#writesSinceArm - 1, `power cut during card write #${this.#writesSinceArm - 1} (sector ${lba}, ${landed} of ${count} sectors landed)`);
  }

  /** Undoes a seeded suffix of the writes since the last sync (newest first). */
  #loseSuffix(rng: Random): void {
    const lose = rng.int(this.#unsynced.length + 1);
    for (let k = 0; k < lose; k++) {
      const u = this.#unsynced.pop()!;
      this.#put(u.lba, u.before, false);
    }
    this.#unsynced = [];
  }

  #powerCheck(op: string): void {
    if (!this.#powered) throw new PowerCut(op, this.#writesSinceArm, `power cut: card ${op} refused (unpowered)`);
  }

  #check(lba: number, count: number): void {
    if (!Number.isInteger(lba) || !Number.isInteger(count) || lba < 0 || count <= 0 || lba + count > this.sectors) throw new SdUsageError(`card access at sector ${lba} × ${count} is outside its ${this.sectors} sectors`);
  }

  #chunk(key: number): Uint8Array | undefined {
    const c = this.#chunks.get(key);
    if (c || !this.#file || this.#erasedChunks.has(key)) return c;
    const buf = new Uint8Array(CHUNK).fill(this.erasedValue);
    const n = key * CHUNK < this.#file.size ? readSync(this.#file.fd, buf, 0, CHUNK, key * CHUNK) : 0;
    if (buf.subarray(0, n).every((b) => b === this.erasedValue)) {
      this.#erasedChunks.add(key);
      return undefined;
    }
    this.#chunks.set(key, buf);
    return buf;
  }

  #sector(lba: number): Uint8Array {
    const c = this.#chunk(Math.floor(lba / SECTORS_PER_CHUNK));
    if (!c) return new Uint8Array(SECTOR).fill(this.erasedValue);
    const at = (lba % SECTORS_PER_CHUNK) * SECTOR;
    return c.subarray(at, at + SECTOR);
  }

  #put(lba: number, bytes: Uint8Array, track: boolean): void {
    if (track) this.#unsynced.push({ lba, before: this.#sector(lba).slice() });
    const key = Math.floor(lba / SECTORS_PER_CHUNK);
    let c = this.#chunk(key);
    if (!c) {
      c = new Uint8Array(CHUNK).fill(this.erasedValue);
      this.#chunks.set(key, c);
    }
    c.set(bytes, (lba % SECTORS_PER_CHUNK) * SECTOR);
  }

  /**
   * SHA-256 of the whole card's contents (hex), as a raw image of it would hash under a
   * sparse reading: each written chunk by its position, chunks still all erased skipped. Two
   * runs that wrote the same bytes to the same sectors give the same digest.
   */
  contentDigest(): string {
    const h = createHash('sha256');
    const keys = new Set(this.#chunks.keys());
    if (this.#file) for (let key = 0; key * CHUNK < this.#file.size; key++) keys.add(key);
    const where = new Uint8Array(8);
    for (const key of [...keys].sort((a, b) => a - b)) {
      const c = this.#chunk(key);
      if (!c || c.every((b) => b === this.erasedValue)) continue;
      new DataView(where.buffer).setFloat64(0, key);
      h.update(where).update(c);
    }
    return h.digest('hex');
  }

  /** The card's written chunks in order (what a raw image holds beyond erased space), to search them. */
  *writtenChunks(): Generator<Uint8Array> {
    const keys = new Set(this.#chunks.keys());
    if (this.#file) for (let key = 0; key * CHUNK < this.#file.size; key++) keys.add(key);
    for (const key of [...keys].sort((a, b) => a - b)) {
      const c = this.#chunk(key);
      if (c) yield c;
    }
  }

  /** Writes the card as a raw image file, sparse: only chunks that were written take disk space. */
  save(path: string): void {
    if (this.#file) for (let key = 0; key * CHUNK < this.#file.size; key++) this.#chunk(key); // everything from the old file, before it is replaced
    const fd = openSync(path, 'w');
    try {
      ftruncateSync(fd, this.capacityBytes);
      for (const key of [...this.#chunks.keys()].sort((a, b) => a - b)) writeSync(fd, this.#chunks.get(key)!, 0, CHUNK, key * CHUNK);
    } finally {
      closeSync(fd);
    }
  }

  /** A card from a raw image file, read from it lazily (the file must stay until the card is saved or dropped). */
  static load(path: string, options: Omit<SdCardOptions, 'sectors'> = {}): SdCard {
    const fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size === 0 || size % SECTOR !== 0) {
      closeSync(fd);
      throw new SdUsageError(`${path}: ${size} bytes is not whole sectors (not a card image)`);
    }
    const card = new SdCard({ ...options, sectors: size / SECTOR });
    card.#file = { fd, size };
    return card;
  }
}
