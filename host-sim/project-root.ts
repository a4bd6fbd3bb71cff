// The project's root directory, found from this file whether it runs from source (jest)
// or from a bundle in dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  for (let d = __dirname; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'firmware'))) return (root = d);
    if (dirname(d) === d) throw new Error('cannot find the quancheng project directory');
  }
}
