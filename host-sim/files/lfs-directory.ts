// ECMA-419 Files (embedded:storage/files) over the littlefs binding: what Moddable's ESP32
// files module does over littlefs in the "storage" partition, on the host.
import { bytesOf } from '../bytes-of';
import type { Directory, File, FileMode, Status } from 'embedded:storage/files';
import { isLittlefsError, type Littlefs, type LittlefsFile } from '../littlefs/index';

/** ECMA-419 paths are relative: no leading "/", no empty, "." or ".." component. */
export function checkPath(path: string): void {
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.split('/').some((c) => c === '' || c === '.' || c === '..'))
    throw new Error(`invalid path ${JSON.stringify(path)}`);
}

const MODE_FLAGS: Record<FileMode, readonly ('rdonly' | 'rdwr' | 'wronly' | 'creat' | 'trunc')[]> = {
  r: ['rdonly'],
  'r+': ['rdwr'],
  w: ['wronly', 'creat', 'trunc'],
  'w+': ['rdwr', 'creat', 'trunc'],
};

function status(size: number, dir: boolean): Status {
  return {
    size,
    mode: dir ? 0o040755 : 0o100644,
    isFile: () => !dir,
    isDirectory: () => dir,
    isSymbolicLink: () => false,
  };
}


class LfsFile implements File {
  #file: LittlefsFile | undefined;

  constructor(file: LittlefsFile) {
    this.#file = file;
  }

  #open(): LittlefsFile {
    if (!this.#file) throw new Error('file closed');
    return this.#file;
  }

  read(what: number | ArrayBuffer | ArrayBufferView, position: number): never {
    const f = this.#open();
    if (!Number.isInteger(position) || position < 0) throw new RangeError('position required');
    f.seek(position);
    if (typeof what === 'number') {
      const bytes = f.read(what);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as never;
    }
    const target = bytesOf(what);
    const bytes = f.read(target.length);
    target.set(bytes);
    return bytes.length as never;
  }

  write(buffer: ArrayBuffer | ArrayBufferView, position: number): number {
    const f = this.#open();
    if (!Number.isInteger(position) || position < 0) throw new RangeError('position required');
    f.seek(position);
    const data = bytesOf(buffer);
    const n = f.write(data);
    if (n !== data.length) throw new Error(`short write (${n} of ${data.length} bytes)`);
    return n;
  }

  status(): Status {
    return status(this.#open().size(), false);
  }

  setSize(size: number): void {
    this.#open().truncate(size);
  }

  flush(): void {
    this.#open().sync();
  }

  close(): void {
    const f = this.#file;
    this.#file = undefined;
    f?.close();
  }
}

export class LfsDirectory implements Directory {
  readonly #fs: Littlefs;
  readonly #base: string;
  #closed = false;

  constructor(fs: Littlefs, base = '') {
    this.#fs = fs;
    this.#base = base;
  }

  #path(path: string): string {
    if (this.#closed) throw new Error('directory closed');
    checkPath(path);
    return this.#base ? `${this.#base}/${path}` : path;
  }

  openFile(options: { path: string; mode?: FileMode }): File {
    const mode = options.mode ?? 'r';
    const flags = MODE_FLAGS[mode];
    if (!flags) throw new Error(`invalid mode ${JSON.stringify(mode)}`);
    return new LfsFile(this.#fs.open(this.#path(options.path), flags));
  }

  openDirectory(options: { path: string }): Directory {
    const p = this.#path(options.path);
    if (this.#fs.stat(p).type !== 'dir') throw new Error(`${options.path} is not a directory`);
    return new LfsDirectory(this.#fs, p);
  }

  delete(path: string): boolean {
    try {
      this.#fs.remove(this.#path(path));
      return true;
    } catch (e) {
      if (isLittlefsError(e, 'LFS_ERR_NOENT')) return false;
      throw e;
    }
  }

  move(from: string, to: string): void {
    this.#fs.rename(this.#path(from), this.#path(to));
  }

  status(path: string): Status {
    const info = this.#fs.stat(this.#path(path));
    return status(info.size, info.type === 'dir');
  }

  createDirectory(path: string): boolean {
    try {
      this.#fs.mkdir(this.#path(path));
      return true;
    } catch (e) {
      if (isLittlefsError(e, 'LFS_ERR_EXIST')) return false;
      throw e;
    }
  }

  *scan(path?: string): IterableIterator<string> {
    const dir = path === undefined ? this.#base : this.#path(path);
    if (this.#closed) throw new Error('directory closed');
    for (const e of this.#fs.readdir(dir === '' ? '/' : dir)) if (e.name !== '.' && e.name !== '..') yield e.name;
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.scan();
  }

  close(): void {
    this.#closed = true;
  }
}
