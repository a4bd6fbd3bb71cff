// The binary partition table ESP-IDF's bootloader reads at 0x8000: 32-byte entries
// (magic AA 50, type, subtype, offset u32 LE, size u32 LE, 16-byte NUL-padded name, flags u32 LE),
// then an MD5 entry (EB EB, 14 × FF, MD5 of the entries before it), padded with FF to 0xC00
// bytes (the rest of the 4 KB sector is left for a secure-boot signature).
import { createHash } from 'node:crypto';
import type { Partition } from './partition-csv';

export const TABLE_LENGTH = 0xc00;
const ENTRY = 32;
const MAGIC = [0xaa, 0x50];
const MD5_MAGIC = [0xeb, 0xeb];

export class PartitionTableError extends Error {}

export function encodePartitionTable(rows: readonly Partition[]): Uint8Array {
  // Entries, the MD5 entry and at least one FF entry (the end marker) must fit.
  if ((rows.length + 1) * ENTRY >= TABLE_LENGTH) throw new PartitionTableError(`${rows.length} partitions do not fit in a 0x${TABLE_LENGTH.toString(16)}-byte table`);
  const out = new Uint8Array(TABLE_LENGTH).fill(0xff);
  const view = new DataView(out.buffer);
  rows.forEach((r, i) => {
    const at = i * ENTRY;
    out.set(MAGIC, at);
    out[at + 2] = r.type;
    out[at + 3] = r.subtype;
    view.setUint32(at + 4, r.offset, true);
    view.setUint32(at + 8, r.size, true);
    const name = new Uint8Array(16);
    name.set(Buffer.from(r.name, 'utf8'));
    out.set(name, at + 12);
    view.setUint32(at + 28, r.flags, true);
  });
  const md5At = rows.length * ENTRY;
  out.set(MD5_MAGIC, md5At);
  out.set(createHash('md5').update(out.subarray(0, md5At)).digest(), md5At + 16);
  return out;
}

/** Reads a table back, checking magics, the MD5 entry and the end marker. */
export function decodePartitionTable(bytes: Uint8Array): Partition[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: Partition[] = [];
  let md5Seen = false;
  for (let at = 0; at + ENTRY <= bytes.length; at += ENTRY) {
    const e = bytes.subarray(at, at + ENTRY);
    if (e.every((b) => b === 0xff)) {
      if (!md5Seen) throw new PartitionTableError('no MD5 entry before the end of the table');
      return rows;
    }
    if (md5Seen) throw new PartitionTableError(`entry at 0x${at.toString(16)} follows the MD5 entry`);
    if (e[0] === MD5_MAGIC[0] && e[1] === MD5_MAGIC[1]) {
      const want = createHash('md5').update(bytes.subarray(0, at)).digest();
      if (!Buffer.from(e.subarray(16)).equals(want)) throw new PartitionTableError('MD5 of the entries does not match');
      md5Seen = true;
      continue;
    }
    if (e[0] !== MAGIC[0] || e[1] !== MAGIC[1]) throw new PartitionTableError(`entry at 0x${at.toString(16)} has no AA 50 magic`);
    const nameBytes = e.subarray(12, 28);
    const end = nameBytes.indexOf(0);
    rows.push({
      name: Buffer.from(nameBytes.subarray(0, end < 0 ? 16 : end)).toString('utf8'),
      type: e[2],
      subtype: e[3],
      offset: view.getUint32(at + 4, true),
      size: view.getUint32(at + 8, true),
      flags: view.getUint32(at + 28, true),
    });
  }
  throw new PartitionTableError('no end-of-table marker');
}
