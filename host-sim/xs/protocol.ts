// The message format between the host and the XS harness, in both directions (handleCommand
// and issueCommand): a JSON header and an optional blob of bulk bytes, copied whole, never
// encoded byte by byte.
//
//   u32 LE  header length H
//   H bytes header: UTF-8 JSON
//   rest    the blob (file data, digest input, a signature...)
//
// This module runs in Node and in XS: ES2022 plus TextEncoder/TextDecoder only.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface Message<H = unknown> {
  header: H;
  /** A view into the message's own buffer. */
  blob: Uint8Array;
}

/** What a host-side error becomes on its way back: enough to rebuild and classify it. */
export interface ErrorData {
  name: string;
  message: string;
  /** littlefs code ("LFS_ERR_NOENT"...) or another string code. */
  code?: string;
  errno?: number;
  /** The cause's name and message (a PowerCut under an LFS_ERR_IO, for instance). */
  cause?: { name: string; message: string };
}

/** A reply: a value, or an error as data. */
export type Reply = { value?: unknown; error?: ErrorData };

export function encodeMessage(header: unknown, blob?: Uint8Array | ArrayBuffer | ArrayBufferView): Uint8Array {
  const h = encoder.encode(JSON.stringify(header));
  const b = blob === undefined ? undefined : blob instanceof Uint8Array ? blob : blob instanceof ArrayBuffer ? new Uint8Array(blob) : new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  const out = new Uint8Array(4 + h.length + (b ? b.length : 0));
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 4);
  if (b) out.set(b, 4 + h.length);
  return out;
}

export function decodeMessage<H = unknown>(bytes: Uint8Array | ArrayBuffer): Message<H> {
  const u = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u.length < 4) throw new Error(`xs bridge: message of ${u.length} bytes`);
  const n = new DataView(u.buffer, u.byteOffset, u.byteLength).getUint32(0, true);
  if (4 + n > u.length) throw new Error(`xs bridge: header of ${n} bytes in a message of ${u.length}`);
  return { header: JSON.parse(decoder.decode(u.subarray(4, 4 + n))) as H, blob: u.subarray(4 + n) };
}

/** An error as data (host side: whatever was thrown). */
export function errorData(e: unknown): ErrorData {
  if (typeof e !== 'object' || e === null) return { name: 'Error', message: String(e) };
  const x = e as { name?: unknown; message?: unknown; code?: unknown; errno?: unknown; cause?: unknown };
  const out: ErrorData = { name: typeof x.name === 'string' ? x.name : 'Error', message: typeof x.message === 'string' ? x.message : String(e) };
  if (typeof x.code === 'string') out.code = x.code;
  if (typeof x.errno === 'number') out.errno = x.errno;
  if (typeof x.cause === 'object' && x.cause !== null) {
    const c = x.cause as { name?: unknown; message?: unknown };
    out.cause = { name: String(c.name ?? 'Error'), message: String(c.message ?? '') };
  }
  return out;
}

/** The error rebuilt (in XS, or on the host for errors coming out of XS): an Error with the same name, message, code, errno and cause. */
export function rebuildError(d: ErrorData): Error {
  const Ctor = d.name === 'TypeError' ? TypeError : d.name === 'RangeError' ? RangeError : d.name === 'ReferenceError' ? ReferenceError : Error;
  const e = (d.cause ? new Ctor(d.message, { cause: rebuildError(d.cause) }) : new Ctor(d.message)) as Error & { code?: string; errno?: number };
  if (e.name !== d.name) Object.defineProperty(e, 'name', { value: d.name, writable: true, configurable: true, enumerable: false });
  if (d.code !== undefined) e.code = d.code;
  if (d.errno !== undefined) e.errno = d.errno;
  return e;
}

/**
 * Installs the worker's globalThis.handleCommand for a harness script: each message's header
 * goes to `handle`; its result comes back as {value}, a thrown error as {error} (data, never a
 * crash of the worker).
 */
export function serveCommands<C>(handle: (command: C) => unknown): void {
  (globalThis as { handleCommand?: (m: ArrayBuffer) => ArrayBuffer }).handleCommand = (message: ArrayBuffer): ArrayBuffer => {
    let reply: Uint8Array;
    try {
      reply = encodeMessage({ value: handle(decodeMessage<C>(message).header) });
    } catch (e) {
      reply = encodeMessage({ error: errorData(e) });
    }
    return reply.buffer as ArrayBuffer;
  };
}
