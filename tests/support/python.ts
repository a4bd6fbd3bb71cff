// The project's Python (tools/python.ts: the virtual environment scripts/install.sh makes) and
// the one rule for tests that need one of its packages: skip, saying why, on a machine that
// never ran the install; fail under CI, which did.
import { spawnSync } from 'node:child_process';
import { python } from '../../tools/python';

export { python };

export function pythonHas(module: string): boolean {
  const r = spawnSync(python(), ['-c', `import ${module}`], { encoding: 'utf8' });
  if (r.status === 0) return true;
  const why = (r.error?.message ?? r.stderr ?? '').trim().split('\n').pop();
  if (process.env.CI) throw new Error(`python module ${module} is missing (${why}): run scripts/install.sh`);
  console.warn(`SKIPPING checks that need the python module ${module} (${why}); scripts/install.sh installs it`);
  return false;
}
