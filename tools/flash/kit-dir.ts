// The output directory appears only when complete: everything is written under a temporary
// sibling name and renamed into place, so a failure never leaves a DIR that looks finished.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors';

export function checkTarget(dir: string): string {
  const target = resolve(dir);
  if (existsSync(target) && (!safeIsDir(target) || readdirSync(target).length > 0)) throw new UsageError(`flash: ${dir} exists and is not empty`);
  return target;
}

function safeIsDir(p: string): boolean {
  try {
    readdirSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Runs `fill` on a fresh staging directory, then renames it to `target`. */
export function writeKit<T>(target: string, fill: (staging: string) => T): T {
  const staging = join(dirname(target), `.${basename(target)}.flash-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const result = fill(staging);
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameSync(staging, target);
    return result;
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
