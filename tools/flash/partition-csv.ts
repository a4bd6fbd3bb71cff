// Reads an ESP-IDF partitions.csv (the file manifest.json's build.PARTITIONS_FILE names) into
// rows with every offset resolved, checked as ESP-IDF's build checks it.
import { FLAG, OFFSET_ALIGN, SUBTYPE, TYPE } from './partition-types';

export interface Partition {
  name: string;
  type: number;
  subtype: number;
  offset: number;
  size: number;
  flags: number;
}

/** The table sits at 0x8000 and fills one 4 KB sector; partitions start after it. */
export const TABLE_OFFSET = 0x8000;
export const TABLE_SECTOR = 0x1000;
/** The label field is 16 bytes; ESP-IDF reads it into a 17-byte string, so 16 characters fit. */
export const NAME_MAX = 16;

export class PartitionCsvError extends Error {}

function number(text: string, what: string, line: number): number | undefined {
  if (text === '') return undefined;
  const m = /^(0x[0-9a-f]+|\d+)([km])?$/i.exec(text);
  if (!m) throw new PartitionCsvError(`line ${line}: ${what} ${JSON.stringify(text)} is not a number`);
  const unit = m[2]?.toLowerCase() === 'k' ? 1024 : m[2]?.toLowerCase() === 'm' ? 1024 * 1024 : 1;
  return Number(m[1]) * unit;
}

function named(text: string, names: Record<string, number>, what: string, line: number): number {
  if (Object.hasOwn(names, text)) return names[text];
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : undefined;
  if (n === undefined || n > 0xff) throw new PartitionCsvError(`line ${line}: unknown ${what} ${JSON.stringify(text)}`);
  return n;
}

export function parsePartitionCsv(text: string): Partition[] {
  const rows: Partition[] = [];
  let next = TABLE_OFFSET + TABLE_SECTOR;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#')) return;
    const f = (s + ',,,,,').split(',').map((x) => x.trim());
    const [name, typeText, subtypeText, offsetText, sizeText, flagText] = f;
    if (name === '' || Buffer.byteLength(name) > NAME_MAX) throw new PartitionCsvError(`line ${line}: name must be 1-${NAME_MAX} bytes`);
    if (typeText === '') throw new PartitionCsvError(`line ${line}: type is empty`);
    const type = named(typeText, TYPE, 'type', line);
    if (subtypeText === '' && type === TYPE.app) throw new PartitionCsvError(`line ${line}: an app partition needs a subtype`);
    const subtype = subtypeText === '' ? SUBTYPE[TYPE.data].undefined : named(subtypeText, SUBTYPE[type] ?? {}, 'subtype', line);
    const size = number(sizeText, 'size', line);
    if (size === undefined || size <= 0) throw new PartitionCsvError(`line ${line}: size must be given and positive`);
    let flags = 0;
    for (const flag of flagText.split(':').filter((x) => x !== '')) {
      if (!Object.hasOwn(FLAG, flag)) throw new PartitionCsvError(`line ${line}: unknown flag ${JSON.stringify(flag)}`);
      flags |= FLAG[flag as keyof typeof FLAG];
    }
    const align = OFFSET_ALIGN[type] ?? OFFSET_ALIGN[TYPE.data];
    // An empty offset follows the previous partition, rounded up to the type's alignment (ESP-IDF's rule).
    const offset = number(offsetText, 'offset', line) ?? Math.ceil(next / align) * align;
    if (offset % align) throw new PartitionCsvError(`line ${line}: ${name} offset 0x${offset.toString(16)} is not aligned to 0x${align.toString(16)}`);
    if (offset < next) throw new PartitionCsvError(`line ${line}: ${name} at 0x${offset.toString(16)} overlaps what ends at 0x${next.toString(16)}`);
    if (rows.some((r) => r.name === name)) throw new PartitionCsvError(`line ${line}: partition name ${name} is used twice`);
    rows.push({ name, type, subtype, offset, size, flags });
    next = offset + size;
  });
  if (rows.length === 0) throw new PartitionCsvError('no partitions');
  return rows;
}

/** Where the last partition ends: the flash must be at least this large. */
export function tableEnd(rows: readonly Partition[]): number {
  return Math.max(...rows.map((r) => r.offset + r.size));
}
