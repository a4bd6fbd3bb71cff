// Benchmark-only stand-in for "embedded:storage/files" inside XS: files that keep their size
// and no bytes, so the XS compute meter sees the evidence store's own work and none of the
// bridge's copying (host-sim/xs/bridge/ copies every buffer into a message). It keeps the
// names of directories and of the files under chain/ (the store stats and reads those); files
// elsewhere are forgotten once closed, so this module's own heap does not grow with the
// number of entries. Reads return zeros (the store reads only at boot, on a fresh volume).
import type { Directory, File, FileMode, Status } from 'embedded:storage/files';

interface Volume {
  dirs: Set<string>;
  kept: Map<string, number>;
  /** Called at every change a card's queue counts as a flush (flush, close, move, mkdir, delete). */
  commit: () => void;
}

function status(size: number, dir: boolean): Status {
  return { size, mode: 0, isFile: () => !dir, isDirectory: () => dir, isSymbolicLink: () => false };
}

function notFound(path: string): Error {
  const e = new Error(`not found: ${path}`) as Error & { code?: string };
  e.code = 'LFS_ERR_NOENT';
  return e;
}

const remembered = (path: string) => path.startsWith('chain/');

class SinkFile implements File {
  #size: number;
  readonly #path: string;
  readonly #v: Volume;

  constructor(v: Volume, path: string, size: number) {
    this.#v = v;
    this.#path = path;
    this.#size = size;
  }

  read(n: number, position: number): ArrayBuffer;
  read(buffer: ArrayBuffer | ArrayBufferView, position: number): number;
  read(what: number | ArrayBuffer | ArrayBufferView, position: number): ArrayBuffer | number {
    const n = Math.max(0, Math.min(typeof what === 'number' ? what : what.byteLength, this.#size - position));
    return typeof what === 'number' ? new ArrayBuffer(n) : n;
  }

  write(buffer: ArrayBuffer | ArrayBufferView, position: number): number {
    const n = buffer.byteLength;
    if (position + n > this.#size) this.#size = position + n;
    return n;
  }

  status(): Status {
    return status(this.#size, false);
  }

  setSize(size: number): void {
    this.#size = size;
  }

  flush(): void {
    this.#v.commit();
  }

  close(): void {
    this.#v.commit();
    if (remembered(this.#path)) this.#v.kept.set(this.#path, this.#size);
  }
}

class SinkDirectory implements Directory {
  readonly #v: Volume;

  constructor(commit: () => void) {
    this.#v = { dirs: new Set(['']), kept: new Map(), commit };
  }

  openFile(options: { path: string; mode?: FileMode }): File {
    const mode = options.mode ?? 'r';
    const size = this.#v.kept.get(options.path);
    if (size === undefined && (mode === 'r' || mode === 'r+')) throw notFound(options.path);
    return new SinkFile(this.#v, options.path, mode === 'w' || mode === 'w+' ? 0 : size ?? 0);
  }

  openDirectory(): Directory {
    return this;
  }

  delete(path: string): boolean {
    this.#v.commit();
    return this.#v.kept.delete(path) || this.#v.dirs.delete(path);
  }

  move(from: string, to: string): void {
    this.#v.commit();
    const size = this.#v.kept.get(from);
    this.#v.kept.delete(from);
    if (size !== undefined && remembered(to)) this.#v.kept.set(to, size);
  }

  status(path: string): Status {
    if (this.#v.dirs.has(path)) return status(0, true);
    const size = this.#v.kept.get(path);
    if (size === undefined) throw notFound(path);
    return status(size, false);
  }

  createDirectory(path: string): boolean {
    if (this.#v.dirs.has(path)) return false;
    this.#v.commit();
    this.#v.dirs.add(path);
    return true;
  }

  scan(): IterableIterator<string> {
    return ([] as string[])[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.scan();
  }

  close(): void {}
}

/** A fresh, empty sink volume; `commit` sees each change a card's write queue would count as a flush. */
export function createSinkRoot(commit: () => void = () => {}): Directory {
  return new SinkDirectory(commit);
}

const root: Directory = createSinkRoot();
export default root;
