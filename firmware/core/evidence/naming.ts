// Where entries live on the volume: ev/<seq div 1000, 7 digits>/<seq, 10 digits>.qce
// A directory never holds more than 1000 entries, which keeps littlefs directory
// metadata small; sealed entries end in .qce, the entry being written in .open.

export const EVIDENCE_DIR = "ev";
export const SEALED_SUFFIX = ".qce";
export const OPEN_SUFFIX = ".open";
export const ENTRIES_PER_DIR = 1000;

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
  return `${entryDir(seq)}/${pad(seq, 10)}${OPEN_SUFFIX}`;
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
