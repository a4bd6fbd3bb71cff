// A NOR flash partition model: the block device under littlefs in the host simulator.
//
// Physics it enforces: erase sets a whole block (4 KB sector) to 0xFF; a program can only clear
// bits (1 -> 0); programming a 0 bit back to 1 is a caller bug and throws NorUsageError; reads,
// programs and erases are checked against the geometry (bounds and alignment).
//
// What it measures: counts and bytes of every operation and the device time they would take,
// from datasheet timings (page program ~0.4 ms per 256 B, 4 KB sector erase ~45 ms, quad-SPI
// read at 40 MHz ~20 MB/s; all overridable).
//
// What it injects, all seeded and deterministic:
// - a power cut at prog/erase operation N (counted as littlefs's own test runner counts): the
//   op with index N is interrupted; with `torn` only a seeded prefix of the program lands (and
//   the next byte partially), an interrupted erase leaves the block partially erased; with
//   `reorder`, the prog/erase ops since the last sync() land per block as a seeded prefix
//   (blocks land in any order, later writes may be dropped). After the cut every operation
//   throws PowerCut until reboot();
// - bad blocks (erase/prog/read errors, or progs/erases that silently do nothing);
// - transient read bit flips at a per-bit rate, and persistent bit corruption.
//
// The image is a byte-exact partition image (blockCount × blockSize bytes) that can be saved
// and loaded.
import { readFileSync, writeFileSync } from 'node:fs';
import { Random } from '../random';

export interface NorGeometry {
  /** Erase unit in bytes (default 4096, the NOR sector). */
  blockSize: number;
  blockCount: number;
  /** Read granularity: offsets and lengths must be multiples (default 1). */
  readSize: number;
  /** Program granularity: offsets and lengths must be multiples (default 1). */
  progSize: number;
}

export interface NorTimings {
  /** Program page size in bytes (default 256). */
  pageSize: number;
  /** Time to program one page, ms (default 0.4). */
  pageProgramMs: number;
  /** Time to erase one 4 KB sector, ms (default 45); a block of another size scales linearly. */
  sectorEraseMs: number;
  /** Sustained read throughput, bytes per second (default 20e6: quad SPI at 40 MHz). */
  readBytesPerSecond: number;
  /** Fixed cost of each read command, ms (default 0). */
  readOverheadMs: number;
  /**
   * How a program's time is counted: "bytes" (default) charges ceil(n / pageSize) pages;
   * "pages" charges every page the program touches (a program that crosses a page boundary
   * is split into two page programs by a real driver).
   */
  programCost: 'bytes' | 'pages';
}

export const DEFAULT_TIMINGS: NorTimings = {
  pageSize: 256,
  pageProgramMs: 0.4,
  sectorEraseMs: 45,
  readBytesPerSecond: 20e6,
  readOverheadMs: 0,
  programCost: 'bytes',
};

export type BadBlockMode = 'prog-error' | 'erase-error' | 'read-error' | 'prog-noop' | 'erase-noop';

export interface PowerCutOptions {
  /** Index (from 0, counted from arming) of the prog/erase operation that is interrupted. */
  atOp: number;
  /** Interrupted programs land a seeded prefix; interrupted erases leave a partly erased block. */
  torn?: boolean;
  /** Prog/erase ops since the last sync land per block as a seeded prefix (out-of-order). */
  reorder?: boolean;
  /** Seed for the cut's randomness (default: the device seed). */
  seed?: number;
}

export interface NorOptions extends Partial<NorGeometry> {
  blockCount: number;
  timings?: Partial<NorTimings>;
  /** Initial content (copied); default all 0xFF (fresh erased flash). */
  image?: Uint8Array;
  /** Seed for every injected randomness (default 1). */
  seed?: number;
  powerCut?: PowerCutOptions;
  /** Per-bit probability that a read returns a flipped bit (transient, image unchanged). */
  readBitFlipRate?: number;
  badBlocks?: Record<number, BadBlockMode>;
}

export interface NorCounters {
  reads: number;
  programs: number;
  erases: number;
  syncs: number;
  bytesRead: number;
  bytesProgrammed: number;
  bytesErased: number;
  /** Page programs charged (see NorTimings.programCost). */
  pagesProgrammed: number;
  readMs: number;
  programMs: number;
  eraseMs: number;
  /** readMs + programMs + eraseMs: modeled device busy time. */
  timeMs: number;
  /** prog + erase operations attempted, the index power cuts count in (includes a cut one). */
  opIndex: number;
  bitFlips: number;
  badBlockErrors: number;
  powerCuts: number;
}

/** Thrown by every operation from the power cut until reboot(). */
export class PowerCut extends Error {
  readonly op: string;
  readonly opIndex: number;
  constructor(op: string, opIndex: number, message?: string) {
    super(message ?? `power cut: ${op} refused (flash is unpowered since op #${opIndex})`);
    this.name = 'PowerCut';
    this.op = op;
    this.opIndex = opIndex;
  }
}

/** A bad block reports itself like a failing chip: `code` tells littlefs to relocate. */
export class BadBlockError extends Error {
  readonly code = 'LFS_ERR_CORRUPT';
  readonly block: number;
  constructor(op: string, block: number) {
    super(`bad block ${block}: ${op} failed`);
    this.name = 'BadBlockError';
    this.block = block;
  }
}

/** A misuse of the flash (out of bounds, misaligned, programming a 0 bit to 1): a caller bug. */
export class NorUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NorUsageError';
  }
}

interface JournalOp {
  kind: 'prog' | 'erase';
  off: number;
  data?: Uint8Array;
}

function zeroCounters(): NorCounters {
  return {
    reads: 0,
    programs: 0,
    erases: 0,
    syncs: 0,
    bytesRead: 0,
    bytesProgrammed: 0,
    bytesErased: 0,
    pagesProgrammed: 0,
    readMs: 0,
    programMs: 0,
    eraseMs: 0,
    timeMs: 0,
    opIndex: 0,
    bitFlips: 0,
    badBlockErrors: 0,
    powerCuts: 0,
  };
}

export class NorFlash {
  readonly geometry: Readonly<NorGeometry>;
  readonly timings: Readonly<NorTimings>;
  /** The partition image, live (do not write to it directly; use snapshot() for a copy). */
  readonly image: Uint8Array;
  /** Erase count per block (wear). */
  readonly wear: Uint32Array;
  counters: NorCounters = zeroCounters();
  readBitFlipRate: number;
  readonly badBlocks = new Map<number, BadBlockMode>();

  private readonly seed: number;
  private rng: Random;
  private cut: PowerCutOptions | undefined;
  private cutBase = 0;
  private cutRng: Random | undefined;
  private dead: { op: string; opIndex: number } | undefined;
  /** Per block: content at the last sync and the ops since (only while a reorder cut is armed). */
  private journal = new Map<number, { before: Uint8Array; ops: JournalOp[] }>();

  constructor(options: NorOptions) {
    const g: NorGeometry = {
      blockSize: options.blockSize ?? 4096,
      blockCount: options.blockCount,
      readSize: options.readSize ?? 1,
      progSize: options.progSize ?? 1,
    };
    for (const [k, v] of Object.entries(g)) {
      if (!Number.isInteger(v) || v <= 0) throw new NorUsageError(`${k} must be a positive integer, got ${v}`);
    }
    if (g.blockSize % g.readSize || g.blockSize % g.progSize) {
      throw new NorUsageError('blockSize must be a multiple of readSize and progSize');
    }
    this.geometry = Object.freeze(g);
    this.timings = Object.freeze({ ...DEFAULT_TIMINGS, ...options.timings });
    const size = g.blockSize * g.blockCount;
    if (options.image) {
      if (options.image.length !== size) {
        throw new NorUsageError(`image is ${options.image.length} bytes, geometry needs ${size}`);
      }
      this.image = new Uint8Array(options.image);
    } else {
      this.image = new Uint8Array(size).fill(0xff);
    }
    this.wear = new Uint32Array(g.blockCount);
    this.seed = options.seed ?? 1;
    this.rng = new Random(this.seed);
    this.readBitFlipRate = options.readBitFlipRate ?? 0;
    for (const [b, mode] of Object.entries(options.badBlocks ?? {})) this.setBadBlock(Number(b), mode);
    if (options.powerCut) this.armPowerCut(options.powerCut);
  }

  /** Loads a saved partition image; the geometry's blockCount follows from the file size. */
  static load(path: string, options: Omit<NorOptions, 'blockCount' | 'image'> = {}): NorFlash {
    const image = new Uint8Array(readFileSync(path));
    const blockSize = options.blockSize ?? 4096;
    if (image.length % blockSize) throw new NorUsageError(`${path}: ${image.length} bytes is not a whole number of ${blockSize}-byte blocks`);
    return new NorFlash({ ...options, blockSize, blockCount: image.length / blockSize, image });
  }

  get size(): number {
    return this.image.length;
  }

  /** True from a power cut until reboot(). */
  get powerLost(): boolean {
    return this.dead !== undefined;
  }

  /** A copy of the partition image. */
  snapshot(): Uint8Array {
    return new Uint8Array(this.image);
  }

  save(path: string): void {
    writeFileSync(path, this.image);
  }

  resetCounters(): void {
    const opIndex = this.counters.opIndex;
    this.counters = zeroCounters();
    this.counters.opIndex = opIndex;
  }

  // ---- fault injection -------------------------------------------------------------------

  /** Arms a power cut at prog/erase op `atOp`, counted from now. */
  armPowerCut(options: PowerCutOptions): void {
    if (!Number.isInteger(options.atOp) || options.atOp < 0) throw new NorUsageError(`atOp must be a non-negative integer`);
    this.cut = { ...options };
    this.cutBase = this.counters.opIndex;
    this.cutRng = new Random((options.seed ?? this.seed) ^ 0x5bd1e995 ^ options.atOp);
    this.journal.clear();
  }

  disarmPowerCut(): void {
    this.cut = undefined;
    this.journal.clear();
  }

  /** Cuts power now (between operations): with `reorder`, unsynced writes may be lost. */
  cutPower(): void {
    if (this.dead) return;
    if (this.cut?.reorder) this.applyReorder();
    this.dead = { op: 'cutPower', opIndex: this.counters.opIndex };
    this.counters.powerCuts++;
    this.cut = undefined;
    this.journal.clear();
  }

  /** Power comes back: same bytes, operations work again; the power-cut schedule is disarmed. */
  reboot(): void {
    this.dead = undefined;
    this.cut = undefined;
    this.journal.clear();
  }

  setBadBlock(block: number, mode: BadBlockMode | undefined): void {
    this.checkBlock(block, 'setBadBlock');
    if (mode) this.badBlocks.set(block, mode);
    else this.badBlocks.delete(block);
  }

  /** Marks `count` distinct seeded-random blocks bad (avoiding `exclude`); returns them. */
  randomBadBlocks(count: number, mode: BadBlockMode, exclude: number[] = [0, 1]): number[] {
    const picked: number[] = [];
    const r = this.rng.fork();
    while (picked.length < count) {
      const b = r.int(this.geometry.blockCount);
      if (exclude.includes(b) || picked.includes(b) || this.badBlocks.has(b)) continue;
      picked.push(b);
      this.badBlocks.set(b, mode);
    }
    return picked;
  }

  /** Persistently XORs `mask` into the byte at `offset` (retention error, disturb...). */
  corrupt(offset: number, mask: number): void {
    if (offset < 0 || offset >= this.image.length) throw new NorUsageError(`corrupt offset ${offset} out of range`);
    this.image[offset] ^= mask & 0xff;
  }

  // ---- the block device (the interface the littlefs binding calls) -----------------------

  read(block: number, off: number, len: number): Uint8Array {
    this.alive('read');
    this.checkRange('read', block, off, len, this.geometry.readSize);
    if (this.badBlocks.get(block) === 'read-error') {
      this.counters.badBlockErrors++;
      throw new BadBlockError('read', block);
    }
    const start = block * this.geometry.blockSize + off;
    const out = this.image.slice(start, start + len);
    if (this.readBitFlipRate > 0) this.flipBits(out);
    const c = this.counters;
    c.reads++;
    c.bytesRead += len;
    const ms = this.timings.readOverheadMs + (len / this.timings.readBytesPerSecond) * 1000;
    c.readMs += ms;
    c.timeMs += ms;
    return out;
  }

  prog(block: number, off: number, data: Uint8Array): void {
    this.alive('prog');
    const len = data.length;
    this.checkRange('prog', block, off, len, this.geometry.progSize);
    const start = block * this.geometry.blockSize + off;
    const img = this.image;
    // NOR rule: a program can only clear bits. Checked before anything lands, a word at a
    // time where both sides are aligned (the simulator's hot path), then to the byte.
    const words = aligned32(img, start, data, len);
    let from = 0;
    if (words) {
      const [d, m] = words;
      let i = 0;
      while (i < d.length && (d[i] & ~m[i]) === 0) i++;
      from = i * 4;
      if (i === d.length) from = len;
    }
    for (let i = from; i < len; i++) {
      if (data[i] & ~img[start + i] & 0xff) {
        throw new NorUsageError(
          `prog(${block}, ${off}, ${len}): byte ${off + i} would go 0x${hex(img[start + i])} -> 0x${hex(data[i])}; ` +
            'programming can only clear bits (1 -> 0): erase the block first',
        );
      }
    }
    const opIndex = this.counters.opIndex++;
    if (this.cut && opIndex - this.cutBase === this.cut.atOp) {
      this.powerCutNow('prog', opIndex, () => this.tornProg(start, data));
    }
    const bad = this.badBlocks.get(block);
    if (bad === 'prog-error') {
      this.counters.badBlockErrors++;
      throw new BadBlockError('prog', block);
    }
    if (this.cut?.reorder) this.journalOp(block, { kind: 'prog', off, data: new Uint8Array(data) });
    if (bad !== 'prog-noop') {
      if (words) {
        const [d, m] = words;
        for (let i = 0; i < d.length; i++) m[i] &= d[i];
      } else for (let i = 0; i < len; i++) img[start + i] &= data[i];
    }
    const c = this.counters;
    c.programs++;
    c.bytesProgrammed += len;
    const t = this.timings;
    const pages =
      len === 0
        ? 0
        : t.programCost === 'pages'
          ? Math.floor((off + len - 1) / t.pageSize) - Math.floor(off / t.pageSize) + 1
          : Math.ceil(len / t.pageSize);
    c.pagesProgrammed += pages;
    const ms = pages * t.pageProgramMs;
    c.programMs += ms;
    c.timeMs += ms;
  }

  erase(block: number): void {
    this.alive('erase');
    this.checkBlock(block, 'erase');
    const bs = this.geometry.blockSize;
    const start = block * bs;
    const opIndex = this.counters.opIndex++;
    if (this.cut && opIndex - this.cutBase === this.cut.atOp) {
      this.powerCutNow('erase', opIndex, () => this.tornErase(start));
    }
    const bad = this.badBlocks.get(block);
    if (bad === 'erase-error') {
      this.counters.badBlockErrors++;
      throw new BadBlockError('erase', block);
    }
    if (this.cut?.reorder) this.journalOp(block, { kind: 'erase', off: 0 });
    if (bad !== 'erase-noop') this.image.fill(0xff, start, start + bs);
    this.wear[block]++;
    const c = this.counters;
    c.erases++;
    c.bytesErased += bs;
    const ms = this.timings.sectorEraseMs * (bs / 4096);
    c.eraseMs += ms;
    c.timeMs += ms;
  }

  sync(): void {
    this.alive('sync');
    this.counters.syncs++;
    this.journal.clear();
  }

  // ---- internals -------------------------------------------------------------------------

  private alive(op: string): void {
    if (this.dead) throw new PowerCut(op, this.dead.opIndex);
  }

  private powerCutNow(op: string, opIndex: number, tear: () => void): never {
    // Unsynced writes land out of order first; then the interrupted op tears on top.
    if (this.cut?.reorder) this.applyReorder();
    if (this.cut?.torn) tear();
    this.dead = { op, opIndex };
    this.counters.powerCuts++;
    this.cut = undefined;
    this.journal.clear();
    throw new PowerCut(op, opIndex, `power cut during ${op} (prog/erase op #${opIndex})`);
  }

  /** A seeded prefix of the program lands, and the byte after it partially. */
  private tornProg(start: number, data: Uint8Array): void {
    const r = this.cutRng!;
    const k = r.int(data.length);
    for (let i = 0; i < k; i++) this.image[start + i] &= data[i];
    if (k < data.length) {
      // Some of the bits the next byte was clearing got cleared.
      this.image[start + k] &= data[k] | r.u32();
    }
  }

  /** A partly erased block: erase only sets bits, some bytes made it to 0xFF, others part way. */
  private tornErase(start: number): void {
    const r = this.cutRng!;
    const p = r.next();
    for (let i = 0; i < this.geometry.blockSize; i++) {
      if (r.next() < p) this.image[start + i] = 0xff;
      else this.image[start + i] |= r.u32() & r.u32() & 0xff;
    }
  }

  private journalOp(block: number, op: JournalOp): void {
    let j = this.journal.get(block);
    if (!j) {
      const bs = this.geometry.blockSize;
      j = { before: this.image.slice(block * bs, (block + 1) * bs), ops: [] };
      this.journal.set(block, j);
    }
    j.ops.push(op);
  }

  /** Out-of-order landing: each block touched since the last sync keeps a seeded prefix of its ops. */
  private applyReorder(): void {
    const r = this.cutRng ?? this.rng;
    const bs = this.geometry.blockSize;
    for (const [block, j] of this.journal) {
      const keep = r.int(j.ops.length + 1);
      const start = block * bs;
      this.image.set(j.before, start);
      for (let n = 0; n < keep; n++) {
        const op = j.ops[n];
        if (op.kind === 'erase') this.image.fill(0xff, start, start + bs);
        else {
          const d = op.data!;
          for (let i = 0; i < d.length; i++) this.image[start + op.off + i] &= d[i];
        }
      }
    }
  }

  private flipBits(out: Uint8Array): void {
    // Geometric skipping: distance to the next flipped bit.
    const p = this.readBitFlipRate;
    const bits = out.length * 8;
    const logq = Math.log(1 - Math.min(p, 1 - 1e-12));
    let pos = -1;
    for (;;) {
      const u = 1 - this.rng.next();
      pos += 1 + Math.floor(Math.log(u) / logq);
      if (pos >= bits) break;
      out[pos >>> 3] ^= 1 << (pos & 7);
      this.counters.bitFlips++;
    }
  }

  private checkBlock(block: number, op: string): void {
    if (!Number.isInteger(block) || block < 0 || block >= this.geometry.blockCount) {
      throw new NorUsageError(`${op}: block ${block} out of range 0..${this.geometry.blockCount - 1}`);
    }
  }

  private checkRange(op: string, block: number, off: number, len: number, unit: number): void {
    this.checkBlock(block, op);
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > this.geometry.blockSize) {
      throw new NorUsageError(`${op}(${block}, ${off}, ${len}): range exceeds the ${this.geometry.blockSize}-byte block`);
    }
    if (off % unit || len % unit) {
      throw new NorUsageError(`${op}(${block}, ${off}, ${len}): offset and length must be multiples of ${unit}`);
    }
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** 32-bit views of data and of the image where it lands, when both are 4-byte aligned. */
function aligned32(img: Uint8Array, start: number, data: Uint8Array, len: number): [Uint32Array, Uint32Array] | undefined {
  if (len % 4 !== 0 || (img.byteOffset + start) % 4 !== 0 || data.byteOffset % 4 !== 0) return undefined;
  return [new Uint32Array(data.buffer, data.byteOffset, len / 4), new Uint32Array(img.buffer, img.byteOffset + start, len / 4)];
}
