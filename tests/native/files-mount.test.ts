// native/files/ (the unit's "embedded:storage/files"), tested as far as a host without the
// Moddable SDK or ESP-IDF allows (tests/native/build.mjs says what is compiled against what):
// - the mount policy (storage-mount.c) runs for real over littlefs's C and a counting RAM
//   block device (tests/native/mount-policy.c);
// - the xsmc glue (files-host.c) passes gcc -fsyntax-only -Werror against the XS headers of
//   @agoric/xsnap and mc.defines.h generated from manifest.json;
// - files.js names exactly the host functions files-host.c defines.
// Not covered here: storage-flash-esp32.c (needs ESP-IDF) and anything that runs on a unit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

const ROOT = join(__dirname, '..', '..');
const NATIVE = join(ROOT, 'native', 'files');

interface Step {
  ok: boolean;
  command: string;
  stderr: string;
}
interface Summary {
  mountPolicy: Step & { binary: string };
  glue: Step;
  glueThreadsafe: Step;
}

let out: string;
let summary: Summary;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'qc-native-'));
  const r = spawnSync(process.execPath, [join(__dirname, 'build.mjs'), out], { encoding: 'utf8' });
  if (r.error || !r.stdout) throw new Error(`tests/native/build.mjs failed: ${r.error?.message ?? r.stderr}`);
  summary = JSON.parse(r.stdout);
}, 120_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('mount policy (storage-mount.c over littlefs, RAM block device)', () => {
  let run: { status: number | null; stdout: string };

  beforeAll(() => {
    if (!summary.mountPolicy.ok) return;
    const r = spawnSync(summary.mountPolicy.binary, [], { encoding: 'utf8', timeout: 60_000 });
    run = { status: r.status, stdout: r.stdout };
  });

  test('builds with -Wall -Wextra -Werror', () => {
    expect(summary.mountPolicy.stderr).toBe('');
    expect(summary.mountPolicy.ok).toBe(true);
  });

  test('every case passes', () => {
    expect(run.stdout).toMatch(/\nPASS\n$/);
    expect(run.stdout).not.toContain('FAILED');
    expect(run.status).toBe(0);
  });

  // The harness checks each of these itself; the lines show the cases ran with the expected outcome.
  const section = (title: string) => {
    const start = run.stdout.indexOf(title);
    expect(start).toBeGreaterThanOrEqual(0);
    const rest = run.stdout.slice(start + title.length);
    const next = rest.search(/\n\S/);
    return next < 0 ? rest : rest.slice(0, next);
  };

  test('blank partition: formatted with name_max 64 in the superblock, then mounted', () => {
    const s = section('blank partition: formatted');
    expect(s).toContain('outcome 1 (formatted');
    expect(s).toContain('superblock name_max 64');
  });

  test('valid volume: mounted with no program or erase', () => {
    expect(section('valid volume')).toMatch(/outcome 0 \(mounted\), programs 0, erases 0/);
  });

  test.each([
    'corrupt volume (superblock pair clobbered)',
    'superblocks half-erased',
    'no filesystem, a few bytes not 0xFF',
    'no filesystem, only the very last byte',
    'tuning mismatch (volume formatted with name_max 255)',
  ])('%s: unreadable, not formatted, not one program or erase', (title) => {
    expect(section(title)).toContain('outcome 2 (storage volume unreadable: not formatted (evidence preserved)), programs 0, erases 0');
  });

  test('flash read failure: never formats', () => {
    expect(section('flash reads fail')).toMatch(/outcome 3 \(storage volume unreadable: flash read failed.*\), programs 0, erases 0/);
  });
});

describe('xsmc glue (files-host.c)', () => {
  test('gcc -fsyntax-only -Werror against the XS headers of @agoric/xsnap and mc.defines.h from manifest.json', () => {
    expect(summary.glue.stderr).toBe('');
    expect(summary.glue.ok).toBe(true);
  });

  test('the same with LFS_THREADSAFE, which the SDK\'s lfs.h turns on', () => {
    expect(summary.glueThreadsafe.stderr).toBe('');
    expect(summary.glueThreadsafe.ok).toBe(true);
  });

  test('generated mc.defines.h carries the tuning, name_max and metadata_max included', () => {
    const h = readFileSync(join(out, 'mc.defines.h'), 'utf8');
    expect(h).toContain('#define MODDEF_FILE_PARTITION "storage"');
    expect(h).toContain('#define MODDEF_FILE_LFS_NAME_MAX (64)');
    expect(h).toContain('#define MODDEF_FILE_LFS_METADATA_MAX (1024)');
  });

  test('every defines.file.lfs key of manifest.json configures the volume', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
    const c = readFileSync(join(NATIVE, 'files-host.c'), 'utf8');
    for (const key of Object.keys(manifest.defines.file.lfs)) {
      expect(c).toMatch(new RegExp(`gVolume\\.config\\.${key} = MODDEF_FILE_LFS_${key.toUpperCase()};`));
    }
  });

  test('files-host.c never calls lfs_format; only storage-mount.c does, after the blank check', () => {
    const calls = (f: string) => (readFileSync(join(NATIVE, f), 'utf8').match(/\blfs_format\s*\(/g) ?? []).length;
    for (const f of readdirSync(NATIVE).filter((n) => /\.[ch]$/.test(n))) expect({ f, calls: calls(f) }).toEqual({ f, calls: f === 'storage-mount.c' ? 1 : 0 });
  });
});

describe('files.js', () => {
  const js = readFileSync(join(NATIVE, 'files.js'), 'utf8');

  test('is plain JavaScript (an ES module; native() and Native() are ordinary calls outside xsc)', () => {
    expect(() => transformSync(js, { loader: 'js', format: 'esm', target: 'es2022' })).not.toThrow();
  });

  test('names exactly the host functions files-host.c defines', () => {
    const code = transformSync(js, { loader: 'js', format: 'esm', target: 'es2022' }).code; // comments dropped
    const named = [...code.matchAll(/\bNative\("(\w+)"\)|\bnative\("(\w+)"\)/g)].map((m) => m[1] ?? m[2]).sort();
    const c = readFileSync(join(NATIVE, 'files-host.c'), 'utf8');
    const defined = [...c.matchAll(/^void (qc_\w+)\((?:xsMachine \*the|void \*data)\)$/gm)].map((m) => m[1]).sort();
    expect(new Set(named).size).toBe(named.length);
    expect(named).toEqual(defined);
  });

  test('is the module the manifest fragment maps to embedded:storage/files', () => {
    const fragment = JSON.parse(readFileSync(join(NATIVE, 'manifest.json'), 'utf8'));
    expect(fragment.platforms.esp32.modules['embedded:storage/files']).toBe('./files');
  });
});
