// A synchronous driver for xsnap-worker: the same netstring protocol as driver.ts, but every
// evaluate/command blocks until the worker answers. The whole device simulator runs on a
// synchronous scheduler (host-sim/time/scheduler.ts); with this driver a timer callback on the
// host can run the firmware's callback inside XS and return only when it is done, so the XS
// run follows exactly the Node run's order of events.
//
// The pipes are FIFOs the host opens with blocking file descriptors (Node's own child pipes are
// non-blocking and owned by the event loop). The host keeps only the write end of the command
// FIFO and the read end of the reply FIFO, so a dead worker shows as EPIPE or end of file,
// never as a hang. The worker's stdout and stderr go to files (a pipe nobody drains while the
// host is blocked could fill and stall the worker).
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findXsnapWorker, type XsMeter, type XsReply } from './driver';

export type SyncCommandHandler = (message: Uint8Array) => Uint8Array;

export interface XsSyncWorkerOptions {
  onCommand?: SyncCommandHandler;
  name?: string;
}

export class XsSyncWorkerError extends Error {}

export class XsSyncWorker {
  readonly #proc: ChildProcess;
  readonly #dir: string;
  readonly #to: number;
  readonly #from: number;
  readonly #onCommand: SyncCommandHandler;
  #buf = Buffer.alloc(1 << 16);
  #start = 0;
  #end = 0;
  #busy = false;
  #closed = false;
  #dead: Error | undefined;
  /** Compute meter summed over every evaluate/command. */
  compute = 0;
  /** issueCommand round trips served. */
  calls = 0;

  constructor(options: XsSyncWorkerOptions = {}) {
    this.#onCommand = options.onCommand ?? (() => new Uint8Array(0));
    const worker = findXsnapWorker();
    this.#dir = mkdtempSync(join(tmpdir(), 'quancheng-xs-'));
    const toPath = join(this.#dir, 'to');
    const fromPath = join(this.#dir, 'from');
    execFileSync('mkfifo', [toPath, fromPath]);
    // Read-write opens of a FIFO never block; the child gets these as fds 3 and 4.
    const childIn = openSync(toPath, constants.O_RDWR);
    const childOut = openSync(fromPath, constants.O_RDWR);
    // With a reader and a writer present, these blocking opens return at once.
    this.#to = openSync(toPath, constants.O_WRONLY);
    this.#from = openSync(fromPath, constants.O_RDONLY);
    const out = openSync(join(this.#dir, 'stdout'), 'w');
    const err = openSync(join(this.#dir, 'stderr'), 'w');
    try {
      this.#proc = spawn(worker, [options.name ?? 'quancheng-xs'], { stdio: ['ignore', out, err, childIn, childOut] });
    } finally {
      // The child holds its copies now (spawn returns after exec).
      for (const fd of [childIn, childOut, out, err]) closeSync(fd);
    }
    this.#proc.on('error', (e) => (this.#dead ??= e));
    this.#proc.on('exit', () => undefined);
  }

  get stdout(): string {
    return this.#readLog('stdout');
  }

  get stderr(): string {
    return this.#readLog('stderr');
  }

  /** The worker's process id. */
  get pid(): number | undefined {
    return this.#proc.pid;
  }

  get alive(): boolean {
    return this.#dead === undefined;
  }

  /** Evaluates a script; the reply is its completion value if that is an ArrayBuffer. */
  evaluate(code: string): XsReply {
    return this.#round(Buffer.from('e'), Buffer.from(code, 'utf8'));
  }

  /** globalThis.handleCommand(ArrayBuffer) in the worker; the reply is the ArrayBuffer it returns. */
  command(message: Uint8Array): XsReply {
    return this.#round(Buffer.from('?'), message);
  }

  /** True while the worker runs a command (the host is answering its issueCommand, or waiting). */
  get busy(): boolean {
    return this.#busy;
  }

  /** Kills the worker (RAM lost) and removes its FIFOs. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#dead ??= new XsSyncWorkerError('xsnap-worker closed');
    if (this.#proc.exitCode === null && this.#proc.signalCode === null) this.#proc.kill('SIGKILL');
    for (const fd of [this.#to, this.#from]) {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #readLog(name: string): string {
    try {
      return readFileSync(join(this.#dir, name), 'utf8');
    } catch {
      return '';
    }
  }

  #fail(what: string): never {
    const tail = this.stderr.trim().slice(-2000);
    this.#dead ??= new XsSyncWorkerError(`${what}${tail ? `: ${tail}` : ''}`);
    throw this.#dead;
  }

  #write(...parts: Uint8Array[]): void {
    const len = parts.reduce((n, p) => n + p.length, 0);
    const frame = Buffer.concat([Buffer.from(`${len}:`), ...parts, Buffer.from(',')]);
    let off = 0;
    while (off < frame.length) {
      try {
        off += writeSync(this.#to, frame, off, frame.length - off);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN' || code === 'EINTR') continue;
        this.#fail(`xsnap-worker gone (${code ?? String(e)})`);
      }
    }
  }

  /** Reads more bytes into the buffer; blocks. */
  #fill(): void {
    if (this.#start > 0 && this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end === this.#buf.length) {
      const live = this.#end - this.#start;
      const next = Buffer.alloc(live * 2 > this.#buf.length ? this.#buf.length * 2 : this.#buf.length);
      this.#buf.copy(next, 0, this.#start, this.#end);
      this.#buf = next;
      this.#start = 0;
      this.#end = live;
    }
    for (;;) {
      let n: number;
      try {
        n = readSync(this.#from, this.#buf, this.#end, this.#buf.length - this.#end, null);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN' || code === 'EINTR') continue;
        this.#fail(`xsnap-worker read failed (${code ?? String(e)})`);
      }
      if (n === 0) this.#fail('xsnap-worker exited');
      this.#end += n;
      return;
    }
  }

  /** The next netstring's payload (a copy). */
  #message(): Buffer {
    let colon: number;
    for (;;) {
      colon = this.#buf.subarray(this.#start, this.#end).indexOf(0x3a);
      if (colon >= 0) break;
      if (this.#end - this.#start > 20) this.#fail('xsnap protocol error: netstring length prefix too long');
      this.#fill();
    }
    const len = Number(this.#buf.subarray(this.#start, this.#start + colon).toString('latin1'));
    if (!Number.isSafeInteger(len) || len < 0) this.#fail('xsnap protocol error: bad netstring length');
    const begin = this.#start + colon + 1;
    // Make room for the whole message in one buffer.
    const need = colon + 1 + len + 1;
    if (this.#buf.length - this.#start < need) {
      const next = Buffer.alloc(Math.max(need, this.#buf.length));
      this.#buf.copy(next, 0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
      this.#buf = next;
      return this.#message();
    }
    while (this.#end - begin < len + 1) this.#fill();
    if (this.#buf[begin + len] !== 0x2c) this.#fail('xsnap protocol error: netstring without its trailing comma');
    const m = Buffer.from(this.#buf.subarray(begin, begin + len));
    this.#start = begin + len + 1;
    return m;
  }

  #round(kind: Buffer, body: Uint8Array): XsReply {
    if (this.#dead) throw this.#dead;
    if (this.#busy) throw new XsSyncWorkerError('xsnap-worker is busy: a command into XS while XS waits for the host (a callback run from inside a bridged method?)');
    this.#busy = true;
    try {
      this.#write(kind, body);
      for (;;) {
        const m = this.#message();
        const k = m[0];
        if (k === 0x3f /* ? */) {
          this.calls++;
          let reply: Uint8Array;
          try {
            reply = this.#onCommand(new Uint8Array(m.buffer, m.byteOffset + 1, m.length - 1));
          } catch (e) {
            // The worker waits for an answer it will not get: the run is lost.
            this.#dead ??= e instanceof Error ? e : new Error(String(e));
            this.close();
            throw this.#dead;
          }
          this.#write(Buffer.from('/'), reply);
        } else if (k === 0x2e /* . */) {
          const sep = m.indexOf(1, 1);
          const meter = sep < 0 ? { compute: 0, allocate: 0, currentHeapCount: 0 } : (JSON.parse(m.subarray(1, sep).toString('utf8')) as XsMeter);
          this.compute += meter.compute;
          return { reply: new Uint8Array(m.subarray(sep < 0 ? 1 : sep + 1)), meter: { compute: meter.compute, allocate: meter.allocate, currentHeapCount: meter.currentHeapCount } };
        } else if (k === 0x21 /* ! */) {
          throw new Error(`XS: ${m.subarray(1).toString('utf8')}`);
        } else this.#fail(`xsnap protocol error: unknown message kind ${JSON.stringify(String.fromCharCode(k))}`);
      }
    } finally {
      this.#busy = false;
    }
  }
}
