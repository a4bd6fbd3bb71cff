// Maintenance frames: the wire format of the maintenance port (docs/MAINTENANCE.md).
//
//   0  "Q" "M"       magic
//   2  version       1
//   3  kind          1 request, 2 response
//   4  id            u16 LE, a response echoes its request's
//   6  length        u32 LE, payload bytes, at most MAX_PAYLOAD
//  10  payload
//   …  CRC-32        u32 LE over version … payload
//
// The decoder resynchronises: anything that is not a whole, bounded, CRC-correct frame is
// skipped a byte at a time and counted, so garbage on the line costs bytes, never state.
import { utf8Decode, utf8Encode } from "../evidence/utf8";
import { crc32 } from "./crc32";

export const PROTOCOL_VERSION = 1;
export const MAGIC0 = 0x51; // "Q"
export const MAGIC1 = 0x4d; // "M"
export const FRAME_HEADER = 10;
export const FRAME_TRAILER = 4;
/** Largest payload either side sends or accepts: a provisioning file with a calendar, or an entry chunk. */
export const MAX_PAYLOAD = 16384;
export const MAX_FRAME = FRAME_HEADER + MAX_PAYLOAD + FRAME_TRAILER;

export const FrameKind = { Request: 1, Response: 2 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export interface Frame {
  kind: FrameKind;
  id: number;
  payload: Uint8Array;
}

export function encodeFrame(f: Frame): Uint8Array {
  const n = f.payload.length;
  if (n > MAX_PAYLOAD) throw new RangeError(`payload of ${n} bytes exceeds ${MAX_PAYLOAD}`);
  const out = new Uint8Array(FRAME_HEADER + n + FRAME_TRAILER);
  const v = new DataView(out.buffer);
  out[0] = MAGIC0;
  out[1] = MAGIC1;
  out[2] = PROTOCOL_VERSION;
  out[3] = f.kind;
  v.setUint16(4, f.id, true);
  v.setUint32(6, n, true);
  out.set(f.payload, FRAME_HEADER);
  v.setUint32(FRAME_HEADER + n, crc32(out, 2, FRAME_HEADER + n), true);
  return out;
}

/** Turns a byte stream into frames. */
export class FrameDecoder {
  #buf = new Uint8Array(MAX_FRAME * 2);
  #len = 0;
  /** Bytes skipped while looking for a frame (garbage, damaged or oversize frames). */
  skipped = 0;

  /** Bytes waiting for the rest of a frame. */
  get pending(): number {
    return this.#len;
  }

  /** Feeds bytes; returns the whole frames they complete, in order. */
  push(bytes: Uint8Array): Frame[] {
    const out: Frame[] = [];
    let i = 0;
    while (i < bytes.length) {
      const n = Math.min(bytes.length - i, this.#buf.length - this.#len);
      this.#buf.set(bytes.subarray(i, i + n), this.#len);
      this.#len += n;
      i += n;
      this.#scan(out);
    }
    return out;
  }

  /**
   * The line went quiet in the middle of a frame: nothing buffered can still be completed,
   * so every whole frame hidden behind false starts (a garbage header promising bytes that
   * never came) is recovered and the rest discarded. The work is bounded by the buffer.
   */
  timeout(): Frame[] {
    const out: Frame[] = [];
    while (this.#len > 0) {
      this.#drop(1);
      this.#scan(out);
    }
    return out;
  }

  #scan(out: Frame[]): void {
    const b = this.#buf;
    for (;;) {
      // Find the magic.
      let at = 0;
      while (at < this.#len && !(b[at] === MAGIC0 && (at + 1 === this.#len || b[at + 1] === MAGIC1))) at++;
      if (at > 0) this.#drop(at);
      if (this.#len < FRAME_HEADER) return;
      const v = new DataView(b.buffer, b.byteOffset, this.#len);
      const kind = b[3];
      const n = v.getUint32(6, true);
      if (b[2] !== PROTOCOL_VERSION || (kind !== FrameKind.Request && kind !== FrameKind.Response) || n > MAX_PAYLOAD) {
        this.#drop(1);
        continue;
      }
      const total = FRAME_HEADER + n + FRAME_TRAILER;
      if (this.#len < total) return;
      if (crc32(b, 2, FRAME_HEADER + n) !== v.getUint32(FRAME_HEADER + n, true)) {
        this.#drop(1);
        continue;
      }
      out.push({ kind: kind as FrameKind, id: v.getUint16(4, true), payload: b.slice(FRAME_HEADER, FRAME_HEADER + n) });
      this.#len -= total;
      b.copyWithin(0, total, total + this.#len);
    }
  }

  #drop(n: number): void {
    this.skipped += n;
    this.#len -= n;
    this.#buf.copyWithin(0, n, n + this.#len);
  }
}

/** A message: a JSON head (what is asked or answered) and optional bytes (entry data, a receipt). */
export interface Message {
  head: Record<string, unknown>;
  body?: Uint8Array;
}

/** Payload = u16 LE head length ‖ head (UTF-8 JSON) ‖ body. */
export function encodeMessage(m: Message): Uint8Array {
  const head = utf8Encode(JSON.stringify(m.head));
  const body = m.body ?? new Uint8Array(0);
  if (head.length > 0xffff) throw new RangeError("message head too long");
  const out = new Uint8Array(2 + head.length + body.length);
  out[0] = head.length & 0xff;
  out[1] = head.length >> 8;
  out.set(head, 2);
  out.set(body, 2 + head.length);
  return out;
}

export class MessageError extends Error {}

export function decodeMessage(payload: Uint8Array): Message {
  if (payload.length < 2) throw new MessageError("payload too short");
  const n = payload[0] | (payload[1] << 8);
  if (2 + n > payload.length) throw new MessageError("message head runs past the payload");
  let head: unknown;
  try {
    head = JSON.parse(utf8Decode(payload.subarray(2, 2 + n)));
  } catch {
    throw new MessageError("message head is not JSON");
  }
  if (typeof head !== "object" || head === null || Array.isArray(head)) throw new MessageError("message head is not an object");
  return { head: head as Record<string, unknown>, body: payload.slice(2 + n) };
}
