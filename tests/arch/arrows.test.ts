// Arrows point down (DESIGN): tools/ → host-sim/ → firmware/ → hal/. A lower room never
// imports a higher one, so the device build cannot pull in the simulator or the tools and
// the simulator cannot lean on the technician's command line.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const ROOMS = ['hal', 'firmware', 'host-sim', 'tools'] as const;
const rank = (file: string) => ROOMS.indexOf(relative(root, file).split('/')[0] as (typeof ROOMS)[number]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : sources(p);
    return /\.(ts|mts|mjs|js)$/.test(d.name) ? [p] : [];
  });
}

/** Relative specifiers a file imports or re-exports (static or dynamic). */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g)) out.push(m[2]);
  return out;
}

test('the import scanner sees static, type-only, side-effect, dynamic and re-export imports', () => {
  const text = `import { a } from '../x';\nimport type { B } from "./y";\nimport './z';\nconst m = await import('../../w');\nexport * from '../v';`;
  expect(relativeImports(text)).toEqual(['../x', './y', './z', '../../w', '../v']);
});

test('no room imports a room above it', () => {
  const upward: string[] = [];
  for (const room of ROOMS)
    for (const file of sources(join(root, room)))
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), spec);
        const to = rank(target);
        if (to > rank(file)) upward.push(`${relative(root, file)} imports ${relative(root, target)}`);
      }
  expect(upward).toEqual([]);
});
