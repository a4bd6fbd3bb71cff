// Little-endian byte reading and writing for the evidence format.
// Every read is bounds-checked against the buffer it came from, so a hostile length
// can never make the reader allocate or read past what the file holds.
import { utf8Decode, utf8Encode } from "./utf8";

/** A structural problem in bytes that claim to be evidence (bad magic, a length past the end, ...). */
export class FormatError extends Error {
  /** "truncated": the bytes end early; "malformed": they are not what the format says. */
  readonly kind: "truncated" | "malformed";
  constructor(kind: "truncated" | "malformed", message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Largest integer the format stores in a u64 field: times in ms and byte counts stay below 2^53. */
export const MAX_U64 = Number.MAX_SAFE_INTEGER;

export class ByteReader {
  readonly bytes: Uint8Array;
  offset: number;
  readonly end: number;

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  need(n: number, what: string): void {
    if (n > this.end - this.offset) throw new FormatError("truncated", `${what}: needs ${n} bytes, ${this.end - this.offset} left`);
  }

  // Byte arithmetic rather than a DataView per buffer: records are small and many.
  u8(what = "u8"): number {
    this.need(1, what);
    return this.bytes[this.offset++];
  }

  u16(what = "u16"): number {
    this.need(2, what);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 2;
    return b[o] | (b[o + 1] << 8);
  }

  u32(what = "u32"): number {
    this.need(4, what);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 4;
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
  }

  i32(what = "i32"): number {
    this.need(4, what);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 4;
    return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
  }

  u64(what = "u64"): number {
    this.need(8, what);
    const lo = this.u32(what);
    const hi = this.u32(what);
    if (hi > 0x1fffff) {
      this.offset -= 8;
      throw new FormatError("malformed", `${what}: value exceeds 2^53`);
    }
    return hi * 0x100000000 + lo;
  }

  /** A view (no copy) of the next n bytes. */
  take(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** u16 length, then that many UTF-8 bytes. */
  str(what = "string"): string {
    const n = this.u16(what);
    const raw = this.take(n, what);
    try {
      return utf8Decode(raw);
    } catch {
      throw new FormatError("malformed", `${what}: invalid UTF-8`);
    }
  }

  /** u16 length, then that many bytes (a view). */
  lbytes(what = "bytes"): Uint8Array {
    const n = this.u16(what);
    return this.take(n, what);
  }
}

export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  length = 0;

  constructor(capacity = 256) {
    this.#buf = new Uint8Array(capacity);
    this.#view = new DataView(this.#buf.buffer);
  }

  #room(n: number): void {
    const want = this.length + n;
    if (want <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < want) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  u8(v: number): this {
    checkRange(v, 0, 0xff, "u8");
    this.#room(1);
    this.#view.setUint8(this.length, v);
    this.length += 1;
    return this;
  }

  u16(v: number): this {
    checkRange(v, 0, 0xffff, "u16");
    this.#room(2);
    this.#view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    checkRange(v, 0, 0xffffffff, "u32");
    this.#room(4);
    this.#view.setUint32(this.length, v, true);
    this.length += 4;
    return this;
  }

  i32(v: number): this {
    checkRange(v, -0x80000000, 0x7fffffff, "i32");
    this.#room(4);
    this.#view.setInt32(this.length, v, true);
    this.length += 4;
    return this;
  }

  u64(v: number): this {
    checkRange(v, 0, MAX_U64, "u64");
    this.#room(8);
    this.#view.setUint32(this.length, v % 0x100000000, true);
    this.#view.setUint32(this.length + 4, Math.floor(v / 0x100000000), true);
    this.length += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.#room(b.length);
    this.#buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Exactly n bytes: b, zero-padded; longer input is an error. */
  fixed(b: Uint8Array, n: number, what: string): this {
    if (b.length > n) throw new RangeError(`${what}: ${b.length} bytes, at most ${n}`);
    this.#room(n);
    this.#buf.fill(0, this.length, this.length + n);
    this.#buf.set(b, this.length);
    this.length += n;
    return this;
  }

  str(s: string): this {
    const b = utf8Encode(s);
    if (b.length > 0xffff) throw new RangeError("string longer than 65535 bytes");
    return this.u16(b.length).bytes(b);
  }

  lbytes(b: Uint8Array): this {
    if (b.length > 0xffff) throw new RangeError("byte field longer than 65535 bytes");
    return this.u16(b.length).bytes(b);
  }

  /** The bytes written so far (a view of the internal buffer). */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.length);
  }

  /** A copy that owns its buffer exactly. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.length);
  }
}

function checkRange(v: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${what} out of range: ${v}`);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = "0123456789abcdef";

export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}

export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new RangeError("not a hex string");
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
