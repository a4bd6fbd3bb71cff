// A small driver for Moddable's XS engine as built by @agoric/xsnap: spawns xsnap-worker and
// speaks its netstring protocol on fds 3 (to the worker) and 4 (from it), without SES.
//   host -> worker  e<script>      evaluate a script
//                   ?<bytes>       globalThis.handleCommand(ArrayBuffer)
//                   /<bytes>       the answer to the worker's issueCommand
//   worker -> host  .<meter>\x01<reply>   done (meter: deterministic compute, allocation)
//                   !<message>     uncaught exception
//                   ?<bytes>       issueCommand(ArrayBuffer): a synchronous call to the host
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';

const WORKER = 'node_modules/@agoric/xsnap/xsnap-native/xsnap/build/bin/lin/release/xsnap-worker';

/** The worker's meter for one evaluate/command: `compute` counts XS operations (deterministic). */
export interface XsMeter {
  compute: number;
  allocate: number;
  currentHeapCount: number;
}

export interface XsReply {
  reply: Uint8Array;
  meter: XsMeter;
}

/** Answers the worker's issueCommand; runs synchronously while the worker waits. */
export type CommandHandler = (message: Uint8Array) => Uint8Array;

export interface XsWorkerOptions {
  onCommand?: CommandHandler;
  /** Echo the worker's print() output and stderr to this process (default: only collect them). */
  echo?: boolean;
  name?: string;
}

export function findXsnapWorker(): string {
  const explicit = process.env.QUANCHENG_XSNAP_WORKER;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`xsnap-worker not found at QUANCHENG_XSNAP_WORKER=${explicit}: run npm install, or unset it`);
    return resolve(explicit);
  }
  const tried: string[] = [];
  for (let d = __dirname; ; d = dirname(d)) {
    tried.push(join(d, WORKER));
    if (dirname(d) === d) break;
  }
  tried.push(join(process.cwd(), WORKER));
  const found = tried.find((p) => existsSync(p));
  if (!found) throw new Error(`xsnap-worker not found (looked for ${WORKER} above ${__dirname}): run npm install (the @agoric/xsnap postinstall builds it with make and a C compiler)`);
  return found;
}

function netstring(...parts: Uint8Array[]): Buffer {
  const len = parts.reduce((n, p) => n + p.length, 0);
  return Buffer.concat([Buffer.from(`${len}:`), ...parts, Buffer.from(',')]);
}

export class XsWorker {
  readonly #proc: ChildProcess;
  readonly #toWorker: Writable;
  readonly #onCommand: CommandHandler;
  #chunks: Buffer[] = [];
  #size = 0;
  #need: number | undefined;
  #pending: { resolve: (r: XsReply) => void; reject: (e: Error) => void } | undefined;
  #baton: Promise<unknown> = Promise.resolve();
  #dead: Error | undefined;
  stdout = '';
  stderr = '';

  constructor(options: XsWorkerOptions = {}) {
    this.#onCommand = options.onCommand ?? (() => new Uint8Array(0));
    this.#proc = spawn(findXsnapWorker(), [options.name ?? 'quancheng-xs'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    const [, out, err, to, from] = this.#proc.stdio as [null, Readable, Readable, Writable, Readable];
    this.#toWorker = to;
    const keep = (s: string, add: string) => (s + add).slice(-65536);
    out.on('data', (d: Buffer) => ((this.stdout = keep(this.stdout, d.toString())), options.echo && process.stdout.write(d)));
    err.on('data', (d: Buffer) => ((this.stderr = keep(this.stderr, d.toString())), options.echo && process.stderr.write(d)));
    from.on('data', (d: Buffer) => this.#onData(d));
    to.on('error', () => undefined); // EPIPE after a crash: reported by 'exit'
    this.#proc.on('error', (e) => this.#fail(e));
    this.#proc.on('exit', (code, signal) => this.#fail(new Error(`xsnap-worker exited (${signal ?? `code ${code}`})${this.stderr ? `: ${this.stderr.trim().slice(-2000)}` : ''}`)));
  }

  /** Evaluates a script (not a module); the reply is its completion value if that is an ArrayBuffer. */
  evaluate(code: string): Promise<XsReply> {
    return this.#send(netstring(Buffer.from('e'), Buffer.from(code, 'utf8')));
  }

  /** Calls globalThis.handleCommand(ArrayBuffer) in the worker; the reply is the ArrayBuffer it returns. */
  command(message: Uint8Array): Promise<XsReply> {
    return this.#send(netstring(Buffer.from('?'), message));
  }

  /** Kills the worker. */
  close(): void {
    this.#dead ??= new Error('xsnap-worker closed');
    this.#pending?.reject(this.#dead);
    this.#pending = undefined;
    if (this.#proc.exitCode === null && this.#proc.signalCode === null) this.#proc.kill('SIGKILL');
  }

  #send(frame: Buffer): Promise<XsReply> {
    const run = this.#baton.then(
      () =>
        new Promise<XsReply>((resolve, reject) => {
          if (this.#dead) return reject(this.#dead);
          this.#pending = { resolve, reject };
          this.#toWorker.write(frame);
        }),
    );
    this.#baton = run.catch(() => undefined);
    return run;
  }

  #fail(e: Error): void {
    this.#dead ??= e;
    this.#pending?.reject(this.#dead);
    this.#pending = undefined;
  }

  #flat(): Buffer {
    if (this.#chunks.length !== 1) this.#chunks = [Buffer.concat(this.#chunks, this.#size)];
    return this.#chunks[0];
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    for (;;) {
      if (this.#need === undefined) {
        const head = this.#flat();
        const colon = head.indexOf(0x3a);
        if (colon < 0) {
          if (head.length > 20) this.#protocolError('netstring length prefix too long');
          return;
        }
        const len = Number(head.subarray(0, colon).toString('latin1'));
        if (!Number.isSafeInteger(len) || len < 0) return this.#protocolError(`bad netstring length ${JSON.stringify(head.subarray(0, colon).toString('latin1'))}`);
        this.#chunks = [head.subarray(colon + 1)];
        this.#size = head.length - colon - 1;
        this.#need = len + 1;
      }
      if (this.#size < this.#need) return;
      const all = this.#flat();
      if (all[this.#need - 1] !== 0x2c) return this.#protocolError('netstring without its trailing comma');
      const message = all.subarray(0, this.#need - 1);
      const rest = all.subarray(this.#need);
      this.#chunks = rest.length ? [rest] : [];
      this.#size = rest.length;
      this.#need = undefined;
      this.#onMessage(message);
    }
  }

  #onMessage(m: Buffer): void {
    const pending = this.#pending;
    if (!pending) return this.#protocolError(`unexpected message ${JSON.stringify(m.subarray(0, 40).toString('latin1'))}`);
    const kind = m[0];
    if (kind === 0x3f /* ? */) {
      let reply: Uint8Array;
      try {
        reply = this.#onCommand(new Uint8Array(m.buffer, m.byteOffset + 1, m.length - 1));
      } catch (e) {
        // The worker is blocked in issueCommand and would get no answer: the run is lost.
        this.#fail(e instanceof Error ? e : new Error(String(e)));
        this.close();
        return;
      }
      this.#toWorker.write(netstring(Buffer.from('/'), reply));
    } else if (kind === 0x2e /* . */) {
      this.#pending = undefined;
      const sep = m.indexOf(1, 1);
      const meter = sep < 0 ? { compute: 0, allocate: 0, currentHeapCount: 0 } : (JSON.parse(m.subarray(1, sep).toString('utf8')) as XsMeter);
      pending.resolve({ reply: new Uint8Array(m.subarray(sep < 0 ? 1 : sep + 1)), meter: { compute: meter.compute, allocate: meter.allocate, currentHeapCount: meter.currentHeapCount } });
    } else if (kind === 0x21 /* ! */) {
      this.#pending = undefined;
      pending.reject(new Error(`XS: ${m.subarray(1).toString('utf8')}`));
    } else this.#protocolError(`unknown message kind ${JSON.stringify(String.fromCharCode(kind))}`);
  }

  #protocolError(what: string): void {
    this.#fail(new Error(`xsnap protocol error: ${what}`));
    this.close();
  }
}
