// The card volume's root as the firmware sees it (hal/types/card.d.ts): ECMA-419 Files over
// littlefs on the card, with every mutation queued (write-queue.ts) and every read waiting for
// the queue to drain, as the native module's task does on the device.
import type { Directory, File, FileMode, Status } from 'embedded:storage/files';
import { LfsDirectory } from '../files/lfs-directory';
import type { Littlefs } from '../littlefs/index';
import { bytesOf } from '../bytes-of';
import type { WriteQueue } from './write-queue';

/** What a metadata operation (open, move, mkdir, delete, flush) holds of the queue: its request. */
const METADATA_BYTES = 64;

/** Errors once the card has stopped: the reason the volume is gone. */
export class CardRemovedError extends Error {
  override readonly name = 'CardRemovedError';
}

function stopped(queue: WriteQueue): never {
  const f = queue.failure as { message?: string } | undefined;
  throw new CardRemovedError(`card removed: ${f?.message ?? 'the card stopped answering'}`, { cause: queue.failure });
}

class QueuedFile implements File {
  readonly #queue: WriteQueue;
  #file: File | undefined;
  #closed = false;

  constructor(queue: WriteQueue, open: () => File, now: boolean) {
    this.#queue = queue;
    if (now) this.#file = open();
    else this.#enqueue({ run: () => (this.#file = open()), bytes: METADATA_BYTES, commit: false });
  }

  #enqueue(op: { run: () => void; bytes: number; commit: boolean }): void {
    if (this.#queue.failure !== undefined) stopped(this.#queue);
    if (this.#closed) throw new Error('file closed');
    if (!this.#queue.offer(op)) throw new RangeError('card queue full');
  }

  /** The underlying file once everything queued before is done. */
  #now(): File {
    if (this.#closed) throw new Error('file closed');
    try {
      this.#queue.drain();
    } catch {
      stopped(this.#queue);
    }
    return this.#file!;
  }

  read(what: number | ArrayBuffer | ArrayBufferView, position: number): never {
    return this.#now().read(what as never, position) as never;
  }

  write(buffer: ArrayBuffer | ArrayBufferView, position: number): number {
    // The device copies the buffer into PSRAM: the caller may reuse its own at once.
    const data = bytesOf(buffer).slice();
    this.#enqueue({ run: () => void this.#file!.write(data, position), bytes: data.length, commit: false });
    return data.length;
  }

  status(): Status {
    return this.#now().status();
  }

  setSize(size: number): void {
    this.#enqueue({ run: () => this.#file!.setSize(size), bytes: METADATA_BYTES, commit: false });
  }

  flush(): void {
    this.#enqueue({ run: () => this.#file!.flush(), bytes: METADATA_BYTES, commit: true });
  }

  close(): void {
    if (this.#closed) return;
    this.#enqueue({ run: () => this.#file!.close(), bytes: METADATA_BYTES, commit: true });
    this.#closed = true;
  }
}

export class QueuedDirectory implements Directory {
  readonly #queue: WriteQueue;
  readonly #lfs: LfsDirectory;

  constructor(fs: Littlefs, queue: WriteQueue) {
    this.#queue = queue;
    this.#lfs = new LfsDirectory(fs);
  }

  #enqueue(run: () => void): void {
    if (this.#queue.failure !== undefined) stopped(this.#queue);
    if (!this.#queue.offer({ run, bytes: METADATA_BYTES, commit: true })) throw new RangeError('card queue full');
  }

  #drained(): LfsDirectory {
    try {
      this.#queue.drain();
    } catch {
      stopped(this.#queue);
    }
    return this.#lfs;
  }

  openFile(options: { path: string; mode?: FileMode }): File {
    const mode = options.mode ?? 'r';
    if (mode === 'r' || mode === 'r+') return new QueuedFile(this.#queue, () => this.#drained().openFile(options), true);
    if (this.#queue.failure !== undefined) stopped(this.#queue);
    return new QueuedFile(this.#queue, () => this.#lfs.openFile(options), false);
  }

  openDirectory(options: { path: string }): Directory {
    return this.#drained().openDirectory(options);
  }

  delete(path: string): boolean {
    this.#enqueue(() => void this.#lfs.delete(path));
    return true;
  }

  move(from: string, to: string): void {
    this.#enqueue(() => this.#lfs.move(from, to));
  }

  status(path: string): Status {
    return this.#drained().status(path);
  }

  createDirectory(path: string): boolean {
    this.#enqueue(() => void this.#lfs.createDirectory(path));
    return true;
  }

  scan(path?: string): IterableIterator<string> {
    return [...this.#drained().scan(path)][Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.scan();
  }

  close(): void {
    this.#lfs.close();
  }
}
