// Typed wrapper of the littlefs Node binding (littlefs.node, built from this folder's Rust crate
// by build.mjs; the littlefs C code comes from the crates.io crate littlefs2-sys).
//
// The block device is any JavaScript object with read/prog/erase(/sync), e.g. a NorFlash
// (host-sim/flash/nor.ts). littlefs calls it synchronously. A device method that throws makes
// the littlefs operation fail: the operation throws an Error with code "LFS_ERR_IO" and the
// device's exception as `cause` (a PowerCut, say). A device error whose `code` is
// "LFS_ERR_CORRUPT" (BadBlockError) is a bad block: littlefs relocates and carries on.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export interface BlockDevice {
  read(block: number, off: number, len: number): Uint8Array;
  prog(block: number, off: number, data: Uint8Array): void;
  erase(block: number): void;
  sync?(): void;
}

/** littlefs's struct lfs_config, geometry and tuning. */
export interface LittlefsConfig {
  blockSize: number;
  blockCount: number;
  readSize: number;
  progSize: number;
  /** Multiple of readSize and progSize, factor of blockSize. */
  cacheSize: number;
  /** Multiple of 8; each byte tracks 8 blocks. */
  lookaheadSize: number;
  /** Erase cycles before metadata moves; -1 disables wear levelling. */
  blockCycles: number;
  nameMax?: number;
  fileMax?: number;
  attrMax?: number;
  /** Bound on a metadata pair's size (bounds compaction time); 0 = blockSize. */
  metadataMax?: number;
  /** -1 disables inline files; 0 = largest possible. */
  inlineMax?: number;
  /** Metadata compaction threshold for fsGc; -1 disables; 0 = ~88 % of blockSize. */
  compactThresh?: number;
}

export interface LittlefsInfo {
  name: string;
  type: 'file' | 'dir';
  /** Bytes (files); 0 for directories. */
  size: number;
}

export interface LittlefsFsInfo {
  diskVersion: number;
  blockSize: number;
  blockCount: number;
  nameMax: number;
  fileMax: number;
  attrMax: number;
}

export type LfsErrorCode =
  | 'LFS_ERR_IO'
  | 'LFS_ERR_CORRUPT'
  | 'LFS_ERR_NOENT'
  | 'LFS_ERR_EXIST'
  | 'LFS_ERR_NOTDIR'
  | 'LFS_ERR_ISDIR'
  | 'LFS_ERR_NOTEMPTY'
  | 'LFS_ERR_BADF'
  | 'LFS_ERR_FBIG'
  | 'LFS_ERR_INVAL'
  | 'LFS_ERR_NOSPC'
  | 'LFS_ERR_NOMEM'
  | 'LFS_ERR_NOATTR'
  | 'LFS_ERR_NAMETOOLONG';

/** What the binding throws: `code` is the littlefs error name, `errno` its negative value. */
export interface LittlefsError extends Error {
  code: LfsErrorCode;
  errno: number;
  /** The littlefs operation, e.g. "open". */
  op: string;
  /** For LFS_ERR_IO from a failing device: the device's exception. */
  cause?: unknown;
}

/**
 * True for an error thrown by the binding (optionally with the given code). Duck-typed, not
 * `instanceof Error`: the binding's errors come from Node's main realm, which is not the realm
 * of code run in a vm context (jest).
 */
export function isLittlefsError(e: unknown, code?: LfsErrorCode): e is LittlefsError {
  if (typeof e !== 'object' || e === null) return false;
  const c = (e as { code?: unknown }).code;
  return typeof c === 'string' && c.startsWith('LFS_ERR_') && typeof (e as { errno?: unknown }).errno === 'number' && (code === undefined || c === code);
}

export type OpenFlag = 'rdonly' | 'wronly' | 'rdwr' | 'creat' | 'excl' | 'trunc' | 'append';

/** littlefs's LFS_O_* values. */
export const O = {
  rdonly: 0x1,
  wronly: 0x2,
  rdwr: 0x3,
  creat: 0x100,
  excl: 0x200,
  trunc: 0x400,
  append: 0x800,
} as const satisfies Record<OpenFlag, number>;

export const SEEK = { set: 0, cur: 1, end: 2 } as const;
export type Whence = keyof typeof SEEK;

// ---- the native module ---------------------------------------------------------------------

interface NativeLfs {
  readonly config: LittlefsConfig;
  readonly mounted: boolean;
  readonly deviceCalls: { read: number; prog: number; erase: number; sync: number };
  readonly openFiles: number;
  format(): void;
  mount(): void;
  unmount(): void;
  open(path: string, flags: number): number;
  close(h: number): void;
  read(h: number, len: number): Uint8Array;
  write(h: number, data: Uint8Array): number;
  seek(h: number, off: number, whence: number): number;
  tell(h: number): number;
  size(h: number): number;
  sync(h: number): void;
  truncate(h: number, size: number): void;
  rename(from: string, to: string): void;
  remove(path: string): void;
  mkdir(path: string): void;
  stat(path: string): LittlefsInfo;
  readdir(path: string): LittlefsInfo[];
  fsSize(): number;
  fsGc(): void;
  fsMkconsistent(): void;
  fsStat(): LittlefsFsInfo;
}

interface NativeModule {
  Lfs: new (config: LittlefsConfig, device: BlockDevice) => NativeLfs;
  littlefsVersion(): [version: number, diskVersion: number, nameMax: number];
}

/**
 * Where this module lives. CommonJS (jest, esbuild bundles) has __filename; no `import.meta`
 * here, since esbuild warns about it in every CommonJS bundle. Elsewhere (plain ESM), the
 * search falls back to the working directory and QUANCHENG_LITTLEFS_NODE.
 */
function moduleFile(): string {
  if (typeof __filename === 'string' && __filename) return __filename;
  return join(process.cwd(), 'host-sim', 'littlefs', 'index.ts');
}

const NODE_FILE = 'littlefs.node';

/** Candidate paths of littlefs.node, most specific first. */
export function bindingCandidates(): string[] {
  const out: string[] = [];
  if (process.env.QUANCHENG_LITTLEFS_NODE) out.push(resolve(process.env.QUANCHENG_LITTLEFS_NODE));
  let dir = dirname(moduleFile());
  out.push(join(dir, NODE_FILE));
  // From a bundle (dist/...) or any other location inside the repository: walk up.
  for (let i = 0; i < 6; i++) {
    out.push(join(dir, 'host-sim', 'littlefs', NODE_FILE));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  out.push(join(process.cwd(), 'host-sim', 'littlefs', NODE_FILE));
  return [...new Set(out)];
}

let native: NativeModule | undefined;
let loadError: Error | undefined;

/** Loads the binding once; throws a clear error if it was not built. */
export function loadBinding(): NativeModule {
  if (native) return native;
  if (loadError) throw loadError;
  const candidates = bindingCandidates();
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    loadError = new Error(
      `littlefs binding not built: no ${NODE_FILE} at ${candidates.join(', ')}.\n` +
        'Run `npm install` (or `node host-sim/littlefs/build.mjs`). Building needs a Rust toolchain and ' +
        'libclang for bindgen (Debian: apt-get install -y libclang-dev clang).',
    );
    throw loadError;
  }
  const req = createRequire(found);
  native = req(found) as NativeModule;
  return native;
}

/** True when littlefs.node is built and loads. */
export function littlefsAvailable(): boolean {
  try {
    loadBinding();
    return true;
  } catch {
    return false;
  }
}

/** littlefs version compiled into the binding, e.g. { version: "2.9", diskVersion: "2.1" }. */
export function littlefsVersion(): { version: string; diskVersion: string; nameMax: number } {
  const [v, d, n] = loadBinding().littlefsVersion();
  const s = (x: number) => `${x >>> 16}.${x & 0xffff}`;
  return { version: s(v), diskVersion: s(d), nameMax: n };
}

function flagsOf(flags: number | OpenFlag | readonly OpenFlag[]): number {
  if (typeof flags === 'number') return flags;
  const list = typeof flags === 'string' ? [flags] : flags;
  let f = 0;
  for (const name of list) {
    const v = O[name];
    if (v === undefined) throw new TypeError(`unknown open flag ${JSON.stringify(name)}`);
    f |= v;
  }
  return f;
}

// ---- the API -------------------------------------------------------------------------------

/** An open littlefs file. Data is committed only at sync() / close(). */
export class LittlefsFile {
  private open = true;
  constructor(
    private readonly fs: NativeLfs,
    readonly handle: number,
    readonly path: string,
  ) {}

  /** Reads up to `len` bytes from the current position (fewer at end of file). */
  read(len: number): Uint8Array {
    return this.fs.read(this.handle, len);
  }

  /** Writes all of `data` at the current position (or at the end with 'append'). */
  write(data: Uint8Array): number {
    return this.fs.write(this.handle, data);
  }

  seek(off: number, whence: Whence = 'set'): number {
    return this.fs.seek(this.handle, off, SEEK[whence]);
  }

  tell(): number {
    return this.fs.tell(this.handle);
  }

  size(): number {
    return this.fs.size(this.handle);
  }

  sync(): void {
    this.fs.sync(this.handle);
  }

  truncate(size: number): void {
    this.fs.truncate(this.handle, size);
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Syncs and closes; the handle is released even when the sync fails. Idempotent. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.fs.close(this.handle);
  }
}

export class Littlefs {
  private readonly fs: NativeLfs;
  readonly device: BlockDevice;

  constructor(config: LittlefsConfig, device: BlockDevice) {
    const { Lfs } = loadBinding();
    this.fs = new Lfs(config, device);
    this.device = device;
  }

  get config(): LittlefsConfig {
    return this.fs.config;
  }

  get mounted(): boolean {
    return this.fs.mounted;
  }

  /** How often littlefs called each device method through this object. */
  get deviceCalls(): { read: number; prog: number; erase: number; sync: number } {
    return this.fs.deviceCalls;
  }

  get openFiles(): number {
    return this.fs.openFiles;
  }

  format(): void {
    this.fs.format();
  }

  mount(): void {
    this.fs.mount();
  }

  /** Closes (syncs) open files, then unmounts. */
  unmount(): void {
    this.fs.unmount();
  }

  open(path: string, flags: number | OpenFlag | readonly OpenFlag[] = 'rdonly'): LittlefsFile {
    return new LittlefsFile(this.fs, this.fs.open(path, flagsOf(flags)), path);
  }

  rename(from: string, to: string): void {
    this.fs.rename(from, to);
  }

  remove(path: string): void {
    this.fs.remove(path);
  }

  mkdir(path: string): void {
    this.fs.mkdir(path);
  }

  stat(path: string): LittlefsInfo {
    return this.fs.stat(path);
  }

  /** stat() or undefined when the path does not exist. */
  tryStat(path: string): LittlefsInfo | undefined {
    try {
      return this.fs.stat(path);
    } catch (e) {
      if (isLittlefsError(e, 'LFS_ERR_NOENT')) return undefined;
      throw e;
    }
  }

  exists(path: string): boolean {
    return this.tryStat(path) !== undefined;
  }

  /** Directory entries without "." and "..". */
  readdir(path = '/'): LittlefsInfo[] {
    return this.fs.readdir(path);
  }

  /** Whole file content. */
  readFile(path: string): Uint8Array {
    const f = this.open(path, 'rdonly');
    try {
      const size = f.size();
      return f.read(size);
    } finally {
      f.close();
    }
  }

  /** Creates or replaces a file; committed when this returns. */
  writeFile(path: string, data: Uint8Array): void {
    const f = this.open(path, ['wronly', 'creat', 'trunc']);
    try {
      f.write(data);
    } finally {
      f.close();
    }
  }

  /** Blocks in use. A full traversal (littlefs #840, #1209): keep your own counter, do not poll. */
  fsSize(): number {
    return this.fs.fsSize();
  }

  /** Idle-time janitor: lookahead scan and metadata compaction above compactThresh. */
  fsGc(): void {
    this.fs.fsGc();
  }

  /** Finishes pending orphan / move repair now instead of on the first write after mount. */
  fsMkconsistent(): void {
    this.fs.fsMkconsistent();
  }

  fsStat(): LittlefsFsInfo {
    return this.fs.fsStat();
  }
}
