// native/card/ (the unit's "embedded:storage/card"), its portable C run for real on the host:
// tests/native/card-test.c drives card-queue.c and card-volume.c over littlefs's C, pthreads and
// a RAM card that can stall 250 ms per write or be pulled out. Not covered here: the ESP-IDF
// glue (card-platform-esp32.c needs ESP-IDF's headers) and anything that needs a unit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { BOARD } from '../../hal/board';

const ROOT = join(__dirname, '..', '..');

interface Step { ok: boolean; command: string; stderr: string; binary: string }

let out: string;
let card: Step;
let glue: { ok: boolean; stderr: string };
let glueThreadsafe: { ok: boolean; stderr: string };
let run: { status: number | null; stdout: string };

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'qc-card-'));
  const r = spawnSync(process.execPath, [join(__dirname, 'build.mjs'), out], { encoding: 'utf8' });
  if (r.error || !r.stdout) throw new Error(`tests/native/build.mjs failed: ${r.error?.message ?? r.stderr}`);
  const summary = JSON.parse(r.stdout);
  card = summary.card;
  glue = summary.cardGlue;
  glueThreadsafe = summary.cardGlueThreadsafe;
  if (card.ok) {
    // Leak checking off: the test boots a fresh module state per case and never tears one down.
    const t = spawnSync(card.binary, [], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
    if (t.stderr) process.stderr.write(t.stderr);
    run = { status: t.status, stdout: t.stdout };
  }
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const section = (title: string) => {
  const start = run.stdout.indexOf(title);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = run.stdout.slice(start + title.length);
  const next = rest.search(/\n\S/);
  return next < 0 ? rest : rest.slice(0, next);
};

test('the portable C builds with -Wall -Wextra -Werror, no ESP-IDF header', () => {
  expect(card.stderr).toBe('');
  expect(card.ok).toBe(true);
  for (const f of ['card-queue.c', 'card-volume.c', 'card-serial.c', 'card-queue.h', 'card-volume.h', 'card-platform.h']) {
    expect({ f, idf: /#include\s+[<"](esp_|freertos\/|driver\/|sdmmc)/.test(readFileSync(join(ROOT, 'native', 'card', f), 'utf8')) }).toEqual({ f, idf: false });
  }
});

test('every case passes', () => {
  expect(run.stdout).toMatch(/\nPASS\n$/);
  expect(run.stdout).not.toContain('FAILED');
  expect(run.status).toBe(0);
});

test('mount policy: blank cards formatted with 128 KiB blocks; FAT-like and near-blank cards unreadable and unwritten; littlefs mounted unwritten', () => {
  expect(section('blank card (all 0x00)')).toContain('state formatted, block size 131072');
  expect(section('blank card (all 0xFF)')).toContain('state formatted');
  expect(section('FAT-like card')).toContain('state unreadable, writes 0');
  expect(section('blank except one byte')).toContain('state unreadable, writes 0');
  expect(section('littlefs card')).toContain('state mounted, writes during mount 0, size 8');
  expect(section('no card')).toContain('state absent');
});

test('queue: full while the card stalls, without the pusher waiting', () => {
  expect(section('queue: fills to full')).toMatch(/7 writes of 32 KiB queued, then -1 \(full\)/);
});

test('flush ordering: done only when an independent mount reads the data back', () => {
  const s = section('flush ordering');
  expect(s).toContain('flushes queued 1, done 0');
  expect(s).toContain('an independent mount reads 65536 bytes back');
});

test('pulled out during a drain: removed with the failing sector; put back: generation + 1', () => {
  const s = section('pulled out during a drain');
  expect(s).toMatch(/state removed, fault "card write failed at sector \d+"/);
  expect(s).toContain('generation 1 -> 2');
});

test('pulled out inside a stalled write: poll waits for the write, then drops the files', () => {
  expect(section('pulled out while the drain task is inside a stalled write')).toMatch(/state removed after \d+ ms/);
});

test('CID serial in the contract\'s format', () => {
  expect(section('serial:')).toContain('03-SD-SC32G-8a1b2c3d');
});

describe('the XS binding and the build', () => {
  const NATIVE = join(ROOT, 'native', 'card');
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));

  test('card-host.c passes gcc -fsyntax-only -Werror against the XS headers and mc.defines.h from manifest.json', () => {
    expect(glue.stderr).toBe('');
    expect(glue.ok).toBe(true);
    expect(glueThreadsafe.stderr).toBe('');
    expect(glueThreadsafe.ok).toBe(true);
  });

  test('card.js is plain JavaScript and names exactly the host functions card-host.c defines', () => {
    const code = transformSync(readFileSync(join(NATIVE, 'card.js'), 'utf8'), { loader: 'js', format: 'esm', target: 'es2022' }).code;
    const named = [...code.matchAll(/\bNative\("(\w+)"\)|\bnative\("(\w+)"\)/g)].map((m) => m[1] ?? m[2]).sort();
    const c = readFileSync(join(NATIVE, 'card-host.c'), 'utf8');
    const defined = [...c.matchAll(/^void (qc_\w+)\((?:xsMachine \*the|void \*data)\)$/gm)].map((m) => m[1]).sort();
    expect(new Set(named).size).toBe(named.length);
    expect(named).toEqual(defined);
  });

  test('manifest.json includes the fragment, which maps embedded:storage/card on esp32 only', () => {
    expect(manifest.include).toContain('./native/card/manifest.json');
    const fragment = JSON.parse(readFileSync(join(NATIVE, 'manifest.json'), 'utf8'));
    expect(fragment.platforms.esp32.modules['embedded:storage/card']).toBe('./card');
    expect(fragment.platforms['...'].error).toMatch(/only on the unit/);
  });

  test('defines.card: the slot pins are BOARD.card, and the queue holds a 250 ms stall at the media rate many times over', () => {
    const d = manifest.defines.card;
    expect({ clock: d.clock, command: d.command, data0: d.data0, d3: d.d3 }).toEqual({ clock: BOARD.card.clock, command: BOARD.card.command, data0: BOARD.card.data0, d3: BOARD.card.d3 });
    expect(BOARD.card.width).toBe(1);
    expect(d.queue_capacity % 8).toBe(0);
    expect(d.queue_capacity).toBeGreaterThanOrEqual(25_000 * 4);
  });
});
