// Checks an Espressif firmware image (the app .bin mcconfig builds, or a bootloader) before it
// goes near a device: 8-byte header (magic E9, segment count, SPI mode, size/frequency, entry),
// 16-byte extended header (chip id u16 at byte 4; last byte 1 = SHA-256 appended), segments
// (load address u32, length u32, data), padding to where the checksum byte ends a 16-byte
// line, the checksum (EF xor every segment data byte), then the optional SHA-256 of all before.
import { createHash } from 'node:crypto';

export const IMAGE_MAGIC = 0xe9;
/** The extended header's chip id for the ESP32-S3 (esptool's IMAGE_CHIP_ID). */
export const ESP32S3_CHIP_ID = 9;
const CHECKSUM_SEED = 0xef;
const HEADER = 8 + 16;
const MAX_SEGMENTS = 16;

export interface EspImageInfo {
  chipId: number;
  segments: { addr: number; length: number }[];
  entry: number;
  hashAppended: boolean;
  /** Bytes the image occupies (header to checksum, plus the digest when appended). */
  length: number;
}

export class EspImageError extends Error {}

export function readEspImage(bytes: Uint8Array, chipId = ESP32S3_CHIP_ID): EspImageInfo {
  const fail = (why: string): never => {
    throw new EspImageError(why);
  };
  if (bytes.length < HEADER || bytes[0] !== IMAGE_MAGIC) fail(`not an ESP firmware image (no E9 magic)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes[1];
  const found = view.getUint16(12, true);
  if (found !== chipId) fail(`built for chip id ${found}, not the ESP32-S3 (${chipId})`);
  const digestFlag = bytes[23];
  if (digestFlag > 1) fail(`bad extended header (hash flag ${digestFlag})`);
  if (count === 0 || count > MAX_SEGMENTS) fail(`${count} segments (1-${MAX_SEGMENTS} expected)`);
  const segments: EspImageInfo['segments'] = [];
  let at = HEADER;
  let sum = CHECKSUM_SEED;
  for (let i = 0; i < count; i++) {
    if (at + 8 > bytes.length) fail(`truncated in segment ${i} header`);
    const addr = view.getUint32(at, true);
    const length = view.getUint32(at + 4, true);
    at += 8;
    if (at + length > bytes.length) fail(`truncated in segment ${i} (${length} bytes)`);
    for (let j = at; j < at + length; j++) sum ^= bytes[j];
    segments.push({ addr, length });
    at += length;
  }
  at += 15 - (at % 16);
  if (at >= bytes.length) fail('truncated before the checksum');
  if (bytes[at] !== sum) fail(`checksum 0x${bytes[at].toString(16)} does not match the segments (0x${sum.toString(16)})`);
  at += 1;
  if (digestFlag === 1) {
    if (at + 32 > bytes.length) fail('truncated in the appended SHA-256');
    const want = createHash('sha256').update(bytes.subarray(0, at)).digest();
    if (!want.equals(bytes.subarray(at, at + 32))) fail('appended SHA-256 does not match the image');
    at += 32;
  }
  return { chipId: found, segments, entry: view.getUint32(4, true), hashAppended: digestFlag === 1, length: at };
}
