// The entry header: 88 bytes at the start of every entry file.
import { ByteReader, ByteWriter, FormatError, bytesEqual } from "./bytes";
import { DEVICE_ID_SIZE, EntryKind, FORMAT_VERSION, HASH_SIZE, HEADER_SIZE, KNOWN_HEADER_FLAGS, MAGIC } from "./format";
import { utf8Encode } from "./utf8";

export interface EntryHeader {
  kind: EntryKind;
  /** HEADER_FLAG_* bits. */
  flags: number;
  /** Up to 16 ASCII letters, digits, '-' or '_'. */
  deviceId: string;
  /** Position in the device's chain, from 0; never reused, never skipped. */
  seq: number;
  /** Boot count when the entry was opened. */
  session: number;
  /** Recording the entry belongs to (media), 0 for none. */
  recording: number;
  /** Wall-clock time at the entry's start, ms since 1970 (from the RTC). */
  wallStart: number;
  /** Monotonic device time at the entry's start, ms since boot. Record times count from here. */
  monoStart: number;
  /** The previous entry's link (the genesis link for seq 0). */
  prevLink: Uint8Array;
}

const DEVICE_ID = /^[A-Za-z0-9_-]{1,16}$/;

export function checkDeviceId(id: string): void {
  if (!DEVICE_ID.test(id)) throw new RangeError(`device id must be 1-16 of A-Z a-z 0-9 - _: ${JSON.stringify(id)}`);
}

export function encodeHeader(h: EntryHeader): Uint8Array {
  checkDeviceId(h.deviceId);
  if (h.prevLink.length !== HASH_SIZE) throw new RangeError("prevLink must be 32 bytes");
  const w = new ByteWriter(HEADER_SIZE);
  w.bytes(Uint8Array.from(MAGIC)).u16(FORMAT_VERSION).u8(h.kind).u8(h.flags);
  w.fixed(utf8Encode(h.deviceId), DEVICE_ID_SIZE, "device id");
  w.u32(h.seq).u32(h.session).u32(h.recording).u32(0);
  w.u64(h.wallStart).u64(h.monoStart).bytes(h.prevLink);
  return w.toBytes();
}

export function decodeHeader(r: ByteReader): EntryHeader {
  r.need(HEADER_SIZE, "entry header");
  if (!bytesEqual(r.take(4), Uint8Array.from(MAGIC))) throw new FormatError("malformed", "not an evidence entry (bad magic)");
  const version = r.u16();
  if (version !== FORMAT_VERSION) throw new FormatError("malformed", `unsupported format version ${version}`);
  const kind = r.u8();
  if (kind !== EntryKind.Media && kind !== EntryKind.Journal) throw new FormatError("malformed", `unknown entry kind ${kind}`);
  const flags = r.u8();
  if (flags & ~KNOWN_HEADER_FLAGS) throw new FormatError("malformed", `unknown header flags 0x${flags.toString(16)}`);
  const rawId = r.take(DEVICE_ID_SIZE);
  let n = rawId.indexOf(0);
  if (n < 0) n = DEVICE_ID_SIZE;
  for (let i = n; i < DEVICE_ID_SIZE; i++) if (rawId[i] !== 0) throw new FormatError("malformed", "device id padding is not zero");
  let deviceId = "";
  for (let i = 0; i < n; i++) deviceId += String.fromCharCode(rawId[i]);
  if (!DEVICE_ID.test(deviceId)) throw new FormatError("malformed", "device id has characters outside A-Z a-z 0-9 - _");
  const seq = r.u32();
  const session = r.u32();
  const recording = r.u32();
  if (r.u32() !== 0) throw new FormatError("malformed", "reserved header field is not zero");
  const wallStart = r.u64("wall-clock start");
  const monoStart = r.u64("monotonic start");
  const prevLink = r.take(HASH_SIZE);
  return { kind: kind as EntryKind, flags, deviceId, seq, session, recording, wallStart, monoStart, prevLink };
}
