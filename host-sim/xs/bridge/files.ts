// XS side of "embedded:storage/files": the root Directory and its Files forward every call
// to the host, where littlefs runs on the simulated NOR flash (host-sim/xs/store-host.ts).
// Argument checks happen on the host, in the same LfsDirectory the Node simulator uses.
import type { Directory, File, FileMode, Status } from 'embedded:storage/files';
import { call } from './channel';

interface StatusData {
  size: number;
  mode: number;
  dir: boolean;
}

function status(s: StatusData): Status {
  return { size: s.size, mode: s.mode, isFile: () => !s.dir, isDirectory: () => s.dir, isSymbolicLink: () => false };
}

function viewOf(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  return buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

class BridgedFile implements File {
  readonly #id: number;

  constructor(id: number) {
    this.#id = id;
  }

  read(n: number, position: number): ArrayBuffer;
  read(buffer: ArrayBuffer | ArrayBufferView, position: number): number;
  read(what: number | ArrayBuffer | ArrayBufferView, position: number): ArrayBuffer | number {
    if (typeof what === 'number') return call('file.read', { id: this.#id, n: what, position }).blob.slice().buffer as ArrayBuffer;
    const target = viewOf(what);
    const { blob } = call('file.read', { id: this.#id, n: target.length, position });
    target.set(blob);
    return blob.length;
  }

  write(buffer: ArrayBuffer | ArrayBufferView, position: number): number {
    return call('file.write', { id: this.#id, position }, buffer).value as number;
  }

  status(): Status {
    return status(call('file.status', { id: this.#id }).value as StatusData);
  }

  setSize(size: number): void {
    call('file.setSize', { id: this.#id, size });
  }

  flush(): void {
    call('file.flush', { id: this.#id });
  }

  close(): void {
    call('file.close', { id: this.#id });
  }
}

export class BridgedDirectory implements Directory {
  readonly #id: number;

  constructor(id: number) {
    this.#id = id;
  }

  openFile(options: { path: string; mode?: FileMode }): File {
    return new BridgedFile(call('dir.openFile', { id: this.#id, path: options.path, mode: options.mode }).value as number);
  }

  openDirectory(options: { path: string }): Directory {
    return new BridgedDirectory(call('dir.openDirectory', { id: this.#id, path: options.path }).value as number);
  }

  delete(path: string): boolean {
    return call('dir.delete', { id: this.#id, path }).value as boolean;
  }

  move(from: string, to: string): void {
    call('dir.move', { id: this.#id, from, to });
  }

  status(path: string): Status {
    return status(call('dir.status', { id: this.#id, path }).value as StatusData);
  }

  createDirectory(path: string): boolean {
    return call('dir.createDirectory', { id: this.#id, path }).value as boolean;
  }

  /** The names, read whole on the host: the same littlefs reads, one crossing. */
  scan(path?: string): IterableIterator<string> {
    return (call('dir.scan', { id: this.#id, path }).value as string[])[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.scan();
  }

  close(): void {
    call('dir.close', { id: this.#id });
  }
}

/** The volume's root; handle 0 on the host. */
const root: Directory = new BridgedDirectory(0);
export default root;

/** How the volume came up: the host mounted it (or formatted a blank flash) before the worker started. */
export const volume = 'mounted';
