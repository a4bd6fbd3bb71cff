// Runs the quancheng CLI in-process (fast) or as the built command (what users run).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EntryFile } from '../../firmware/core/evidence';
import { main } from '../../tools/cli';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

export const BIN = join(__dirname, '..', '..', 'bin', 'quancheng');

export function runBin(...argv: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(label = 'qc'): string {
  return mkdtempSync(join(tmpdir(), `${label}-`));
}

/** Writes entry files under a new temporary directory and returns it. */
export function writeChain(files: readonly EntryFile[], dir = tempDir('chain')): string {
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.bytes);
  }
  return dir;
}

/** A bad-input answer: exit 2, exactly one line on stderr, no stack trace. */
export function expectOneLineError(r: CliResult, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}
