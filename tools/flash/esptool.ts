// esptool (PyPI, pinned in scripts/requirements.txt) as this tool drives it: argument lists
// built here, so --dry-run can print exactly what would run. esptool 5 spells its commands
// with hyphens (write-flash, read-flash, merge-bin).
import { spawnSync } from 'node:child_process';
import { python } from '../python';

const BASE = ['-m', 'esptool', '--chip', 'esp32s3'];

export interface Part {
  offset: number;
  file: string;
}

export const hex = (n: number): string => `0x${n.toString(16)}`;

const pairs = (parts: readonly Part[]): string[] => parts.flatMap((p) => [hex(p.offset), p.file]);

export function writeFlashArgs(port: string, baud: number, parts: readonly Part[]): string[] {
  return [...BASE, '-p', port, '-b', String(baud), 'write-flash', ...pairs(parts)];
}

export function readFlashArgs(port: string, baud: number, offset: number, size: number, file: string): string[] {
  return [...BASE, '-p', port, '-b', String(baud), 'read-flash', hex(offset), hex(size), file];
}

/** One file holding every part at its offset, starting at `base` (written to the device there). */
export function mergeBinArgs(out: string, base: number, parts: readonly Part[]): string[] {
  return [...BASE, 'merge-bin', '-o', out, '--target-offset', hex(base), ...pairs(parts)];
}

/** The line a person would type. */
export function commandLine(args: readonly string[]): string {
  return [python(), ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export class EsptoolError extends Error {}

/** Runs esptool; a failure becomes one line with esptool's last message. */
export function runEsptool(what: string, args: readonly string[], inherit = false): void {
  const r = spawnSync(python(), args, { encoding: 'utf8', stdio: inherit ? ['ignore', 'inherit', 'pipe'] : 'pipe', maxBuffer: 16 << 20 });
  if (r.error) throw new EsptoolError(`cannot run ${python()} (${r.error.message}); install esptool with scripts/install.sh`);
  if (r.status !== 0) {
    const last = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const why = last.find((l) => /No module named/.test(l)) ?? last.filter((l) => /error/i.test(l)).pop() ?? last.pop() ?? `exit ${r.status}`;
    throw new EsptoolError(`esptool ${what} failed: ${why}`);
  }
}
