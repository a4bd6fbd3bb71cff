// XS side of the ECMA-419 IO classes (embedded:io/digital, analog, i2c, serial, audio/in,
// audio/out, image/in/camera): each instance is a proxy for one instance of the host's class
// (host-sim/io/), which runs against the simulated board's part models. Every method call and
// property access crosses to the host; callbacks (onReadable, onWritable, onError) come back
// from the host as commands into XS (dispatchCallback), called with `this` = the proxy, as
// ECMA-419 asks. Errors cross as data. Buffers cross as raw bytes: a buffer to write goes as
// the message's blob, a buffer to fill goes as its length and comes back filled.
import { rebuildError, type ErrorData } from '../protocol';
import { call } from './channel';

type Callback = (this: IoProxy, ...args: unknown[]) => void;

/** The callbacks a host instance may call (ECMA-419's; other function-valued options are ignored, as unknown keys are). */
const CALLBACKS = ['onReadable', 'onWritable', 'onError'];

/** An argument as it crosses: undefined, a JSON value, bytes to write (the blob) or a buffer to fill. */
export type WireArg = { u: 1 } | { v: unknown } | { data: 1 } | { fill: number };
/** A result as it crosses: a JSON value, a new ArrayBuffer (the blob), a disposable frame (the blob), or a count with the filled bytes (the blob). */
export type WireResult = { v?: unknown } | { ab: 1 } | { frame: number } | { filled: unknown };
/** A callback argument as it crosses. */
export type WireCallbackArg = { v: unknown } | { error: ErrorData } | { u: 1 };

const live = new Map<number, IoProxy>();

function viewOf(b: ArrayBuffer | ArrayBufferView): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function isBuffer(x: unknown): x is ArrayBuffer | ArrayBufferView {
  return x instanceof ArrayBuffer || ArrayBuffer.isView(x);
}

/** A host callback for instance `id` (a command from the host). */
export function dispatchCallback(id: number, name: string, args: WireCallbackArg[]): void {
  const p = live.get(id);
  if (!p) return;
  p.callback(name, args);
}

/** A frame lent by the camera ("buffer/disposable"): the bytes, and close() gives the host's buffer back. */
function disposable(bytes: Uint8Array, id: number): ArrayBuffer {
  const frame = bytes.slice().buffer as ArrayBuffer;
  let open = true;
  Object.defineProperty(frame, 'close', {
    value() {
      if (!open) return;
      open = false;
      call('frame.close', { id });
    },
  });
  return frame;
}

export class IoProxy {
  target: unknown;
  readonly #id: number;
  readonly #callbacks: Record<string, Callback> = {};

  constructor(kind: string, options: Record<string, unknown> = {}) {
    const plain: Record<string, unknown> = {};
    const callbacks: string[] = [];
    for (const k of Object.keys(options)) {
      const v = options[k];
      if (k === 'target') continue;
      if (typeof v === 'function') {
        if (CALLBACKS.includes(k)) {
          callbacks.push(k);
          this.#callbacks[k] = v as Callback;
        }
      } else plain[k] = v;
    }
    this.#id = call('io.new', { kind, options: plain, callbacks }).value as number;
    this.target = options.target;
    live.set(this.#id, this);
  }

  /** Runs one of this instance's callbacks (from dispatchCallback). */
  callback(name: string, args: WireCallbackArg[]): void {
    const cb = this.#callbacks[name];
    if (!cb) return;
    cb.apply(
      this,
      args.map((a) => ('error' in a ? rebuildError(a.error) : 'u' in a ? undefined : a.v)),
    );
  }

  /** Calls the host instance's method. A buffer argument is written data, except the buffer a read fills. */
  invoke(method: string, args: unknown[]): unknown {
    const wire: WireArg[] = [];
    let data: Uint8Array | undefined;
    let fill: Uint8Array | undefined;
    args.forEach((a, i) => {
      if (isBuffer(a)) {
        const fills = method === 'read' || (method === 'writeRead' && i === 1);
        if (fills) {
          fill = viewOf(a);
          wire.push({ fill: fill.length });
        } else {
          data = viewOf(a);
          wire.push({ data: 1 });
        }
      } else wire.push(a === undefined ? { u: 1 } : { v: a });
    });
    while (wire.length > 0 && 'u' in wire[wire.length - 1]) wire.pop();
    const { value, blob } = call('io.call', { id: this.#id, m: method, args: wire }, data);
    const r = value as WireResult;
    if ('ab' in r) return blob.slice().buffer;
    if ('frame' in r) return disposable(blob, r.frame);
    if ('filled' in r) {
      fill!.set(blob);
      return r.filled;
    }
    return r.v;
  }

  get(property: string): unknown {
    return call('io.get', { id: this.#id, p: property }).value;
  }

  set(property: string, value: unknown): void {
    call('io.set', { id: this.#id, p: property, v: value });
  }

  close(): void {
    this.invoke('close', []);
  }

  get format(): string {
    return this.get('format') as string;
  }

  set format(value: string) {
    this.set('format', value);
  }
}

// Constants as host-sim/io/digital.ts has them (Moddable's values).
export class Digital extends IoProxy {
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly InputPullDown = 2;
  static readonly InputPullUpDown = 3;
  static readonly Output = 8;
  static readonly OutputOpenDrain = 9;
  static readonly Rising = 1;
  static readonly Falling = 2;

  constructor(options: Record<string, unknown>) {
    super('Digital', options);
  }
  read(): number {
    return this.invoke('read', []) as number;
  }
  write(value: number): void {
    this.invoke('write', [value]);
  }
}

export class Analog extends IoProxy {
  constructor(options: Record<string, unknown>) {
    super('Analog', options);
  }
  get resolution(): number {
    return this.get('resolution') as number;
  }
  read(): number {
    return this.invoke('read', []) as number;
  }
}

export class I2C extends IoProxy {
  constructor(options: Record<string, unknown>) {
    super('I2C', options);
  }
  read(what: number | ArrayBuffer | ArrayBufferView, stop?: boolean): unknown {
    return this.invoke('read', [what, stop]);
  }
  write(buffer: ArrayBuffer | ArrayBufferView, stop?: boolean): unknown {
    return this.invoke('write', [buffer, stop]);
  }
  writeRead(buffer: ArrayBuffer | ArrayBufferView, what: number | ArrayBuffer | ArrayBufferView): unknown {
    return this.invoke('writeRead', [buffer, what]);
  }
}

export class Serial extends IoProxy {
  constructor(options: Record<string, unknown>) {
    super('Serial', options);
  }
  read(what?: number | ArrayBuffer | ArrayBufferView): unknown {
    return this.invoke('read', [what]);
  }
  write(value: number | ArrayBuffer | ArrayBufferView): void {
    this.invoke('write', [value]);
  }
}

class Audio extends IoProxy {
  get sampleRate(): number {
    return this.get('sampleRate') as number;
  }
  get bitsPerSample(): number {
    return this.get('bitsPerSample') as number;
  }
  get channels(): number {
    return this.get('channels') as number;
  }
  get audioType(): string {
    return this.get('audioType') as string;
  }
  start(): void {
    this.invoke('start', []);
  }
  stop(options?: { flush?: boolean }): void {
    this.invoke('stop', [options]);
  }
}

export class AudioIn extends Audio {
  constructor(options: Record<string, unknown>) {
    super('AudioIn', options);
  }
  read(what?: number | ArrayBuffer | ArrayBufferView): unknown {
    return this.invoke('read', [what]);
  }
}

export class AudioOut extends Audio {
  constructor(options: Record<string, unknown> = {}) {
    super('AudioOut', options);
  }
  get volume(): number {
    return this.get('volume') as number;
  }
  set volume(value: number) {
    this.set('volume', value);
  }
  write(buffer: ArrayBuffer | ArrayBufferView): void {
    this.invoke('write', [buffer]);
  }
}

export class Camera extends IoProxy {
  constructor(options: Record<string, unknown>) {
    super('Camera', options);
  }
  get width(): number {
    return this.get('width') as number;
  }
  get height(): number {
    return this.get('height') as number;
  }
  get imageType(): string {
    return this.get('imageType') as string;
  }
  start(): void {
    this.invoke('start', []);
  }
  stop(): void {
    this.invoke('stop', []);
  }
  read(): unknown {
    return this.invoke('read', []);
  }
}
