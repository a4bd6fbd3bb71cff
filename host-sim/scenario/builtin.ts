// The built-in scenarios (host-sim/scenario/builtin/*.json) by name.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root';
import { loadScenarioFile } from './load';
import type { Scenario } from './types';

export function builtinDir(): string {
  return join(projectRoot(), 'host-sim', 'scenario', 'builtin');
}

export function builtinNames(): string[] {
  return readdirSync(builtinDir())
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -5))
    .sort();
}

/** A built-in by name, or a scenario file by path. */
export function resolveScenario(nameOrPath: string): Scenario {
  const builtin = join(builtinDir(), `${nameOrPath}.json`);
  if (/^[a-z-]+$/.test(nameOrPath) && existsSync(builtin)) return loadScenarioFile(builtin);
  if (/^[a-z-]+$/.test(nameOrPath) && !existsSync(nameOrPath)) throw new Error(`unknown scenario "${nameOrPath}" (built-ins: ${builtinNames().join(', ')})`);
  return loadScenarioFile(nameOrPath);
}
