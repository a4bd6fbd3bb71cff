// firmware/ and hal/ run on the device's XS engine: they may import only what a Moddable
// build provides, and no Node global. (The device type-check, tsconfig.device.json, has
// no Node types, so Node globals fail to compile there; this test also covers specifiers.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');
// Resource: flash resources (manifest_base), read by the device entry.
const DEVICE_SPECIFIERS = [/^embedded:/, /^crypt$/, /^timer$/, /^time$/, /^mc\/config$/, /^Resource$/];
const FORBIDDEN = /\b(Buffer|process|console|require|setTimeout|setInterval|structuredClone|globalThis\.crypto)\b|\.toSorted\(|Promise\.withResolvers|Date\.now\(|new Date\(\)|Math\.random\(/;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const files = ['firmware', 'hal'].flatMap((d) => sources(join(root, d)));

test('there is firmware to check', () => {
  expect(files.length).toBeGreaterThan(5);
});

test.each(files.map((f) => [relative(root, f)]))('%s imports only device specifiers and its own modules', (rel) => {
  const text = readFileSync(join(root, rel), 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
  for (const s of specifiers) {
    const ok = s.startsWith('./') || s.startsWith('../') || DEVICE_SPECIFIERS.some((re) => re.test(s));
    expect(`${s}: ${ok ? 'ok' : 'not provided by the device'}`).toBe(`${s}: ok`);
    if (s.startsWith('.')) expect(relative(root, join(root, rel, '..', s))).toMatch(/^(firmware|hal)\//);
    // Arrows point down: hal never imports firmware.
    if (s.startsWith('.') && rel.startsWith('hal/')) expect(relative(root, join(root, rel, '..', s))).toMatch(/^hal\//);
  }
  const code = text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  expect(code.match(FORBIDDEN)?.[0] ?? 'none').toBe('none');
});
