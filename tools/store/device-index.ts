// devices/<deviceId>/index.jsonl: the store's copy of a device's chain, one line per entry
// in seq order, appended and fsynced after the entries' objects are durable. A power cut
// mid-append leaves a last line without its newline: it is ignored on reading and cut off
// before the next append (its objects are still there; the resumed offload re-sends them).
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { appendSynced } from './durable';
import { StoreError } from './errors';

/** One held entry. Key order is fixed so the same offload gives the same bytes. */
export interface IndexLine {
  seq: number;
  /** SHA-256 of the entry file (hex): the object's name. */
  sha256: string;
  /** The entry's seal link (hex). */
  link: string;
  /** Size of the entry file. */
  bytes: number;
  /** When the store accepted it, ms since 1970. */
  received: number;
}

export function encodeIndexLine(l: IndexLine): string {
  return JSON.stringify({ seq: l.seq, sha256: l.sha256, link: l.link, bytes: l.bytes, received: l.received }) + '\n';
}

const HEX64 = /^[0-9a-f]{64}$/;

function parseLine(text: string, expectSeq: number, where: string): IndexLine {
  let v: Partial<IndexLine>;
  try {
    v = JSON.parse(text);
  } catch {
    throw new StoreError(`${where}: not JSON`);
  }
  const ok =
    v !== null &&
    typeof v === 'object' &&
    v.seq === expectSeq &&
    typeof v.sha256 === 'string' &&
    HEX64.test(v.sha256) &&
    typeof v.link === 'string' &&
    HEX64.test(v.link) &&
    Number.isSafeInteger(v.bytes) &&
    v.bytes! > 0 &&
    Number.isSafeInteger(v.received) &&
    v.received! >= 0;
  if (!ok) throw new StoreError(`${where}: ${v?.seq !== expectSeq ? `expected entry ${expectSeq}` : 'bad fields'}`);
  return v as IndexLine;
}

/** The complete lines of an index file (none when it does not exist); StoreError when damaged. */
export function readIndex(path: string): IndexLine[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1; // a torn last line is not part of the index
  const lines = text.slice(0, end).split('\n');
  lines.pop();
  return lines.map((l, i) => parseLine(l, i, `${path} line ${i + 1}`));
}

/** Appends lines after cutting off a torn last line, then fsyncs. */
export function appendIndex(path: string, lines: readonly IndexLine[]): void {
  if (existsSync(path)) {
    const text = readFileSync(path);
    const end = text.lastIndexOf(0x0a) + 1;
    if (end !== text.length) {
      const fd = openSync(path, 'r+');
      try {
        ftruncateSync(fd, end);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  }
  appendSynced(path, new TextEncoder().encode(lines.map(encodeIndexLine).join('')));
}
