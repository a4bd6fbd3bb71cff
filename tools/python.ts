// The Python that has the project's PyPI packages (scripts/requirements.txt: esptool,
// littlefs-python): the project's own virtual environment, made by scripts/install.sh, so
// nothing depends on what happens to be installed for the machine's python3.
// QUANCHENG_PYTHON overrides it (the tests put a stand-in device there).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../host-sim/project-root';

export function python(): string {
  if (process.env.QUANCHENG_PYTHON) return process.env.QUANCHENG_PYTHON;
  const venv = join(projectRoot(), '.venv', 'bin', 'python3');
  return existsSync(venv) ? venv : 'python3';
}
