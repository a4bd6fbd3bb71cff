// Where entries live on the volume: sealed ones at ev/<seq div 100, 7 digits>/<seq, 10
// digits>.qce, so no directory holds more than 100 entries and a littlefs lookup stays
// cheap; the entry being written at open/<seq>.open, a directory that holds one file, so
// boot finds it without looking through the evidence.

export const EVIDENCE_DIR = "ev";
export const OPEN_DIR = "open";
export const SEALED_SUFFIX = ".qce";
export const OPEN_SUFFIX = ".open";
export const ENTRIES_PER_DIR = 100;

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

export function entryDir(seq: number): string {
  return `${EVIDENCE_DIR}/${pad(Math.floor(seq / ENTRIES_PER_DIR), 7)}`;
}

export function entryPath(seq: number): string {
  return `${entryDir(seq)}/${pad(seq, 10)}${SEALED_SUFFIX}`;
}

export function openEntryPath(seq: number): string {
  return `${OPEN_DIR}/${pad(seq, 10)}${OPEN_SUFFIX}`;
}

/** The sequence number a file name claims, if it is an entry name. */
export function parseEntryName(path: string): { seq: number; sealed: boolean } | undefined {
  const slash = path.lastIndexOf("/");
  const m = /^(\d{10})\.(qce|open)$/.exec(path.slice(slash + 1));
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (seq > 0xffffffff) return undefined;
  return { seq, sealed: m[2] === "qce" };
}
