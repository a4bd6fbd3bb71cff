// Cross-check with an independent littlefs build: the PyPI package littlefs-python (littlefs
// 2.11.x) must read the images this binding (littlefs 2.9.3 from littlefs2-sys) writes, and
// vice versa. Skipped, saying why, only when the project's Python has no littlefs outside CI.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NorFlash } from '../../host-sim/flash/nor';
import { Littlefs } from '../../host-sim/littlefs/index';
import { python, pythonHas } from '../support/python';
import { content, enc, expectBytes, makeFs, walk } from './helpers';

const script = resolve(__dirname, '../../host-sim/littlefs/crosscheck.py');
const maybe = pythonHas('littlefs') ? describe : describe.skip;

interface PyEntry {
  path: string;
  type: 'file' | 'dir';
  size: number;
  sha256?: string;
  base64?: string;
}

function py(args: string[]): { status: number | null; json: Record<string, unknown> } {
  const r = spawnSync(python(), [script, ...args], { encoding: 'utf8' });
  if (r.error) throw r.error;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw new Error(`crosscheck.py printed no JSON (exit ${r.status}): ${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, json };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

maybe('littlefs images cross-checked with littlefs-python', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lfs-xcheck-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('littlefs-python reads what the binding wrote, byte for byte', () => {
    const { fs, flash } = makeFs(64);
    fs.format();
    fs.mount();
    fs.mkdir('evidence');
    fs.mkdir('evidence/2026-11-26');
    const files = new Map<string, Uint8Array>([
      ['evidence/2026-11-26/clip-0001.mjpeg', content(1, 50000)],
      ['evidence/2026-11-26/clip-0001.json', enc('{"sha256":"…","gps":[31.23,121.47]}')],
      ['evidence/2026-11-26/audio.pcm', content(2, 17000)],
      ['config.json', enc('{"unit":"QC-0042"}')],
      ['empty', new Uint8Array(0)],
    ]);
    for (const [p, d] of files) fs.writeFile(p, d);
    fs.writeFile('tmp.bin', content(3, 9000));
    fs.rename('tmp.bin', 'evidence/renamed.bin');
    files.set('evidence/renamed.bin', content(3, 9000));
    fs.writeFile('gone.bin', content(4, 5000));
    fs.remove('gone.bin');
    // an appended-then-synced file
    const f = fs.open('log.txt', ['wronly', 'creat', 'append']);
    f.write(enc('line 1\n'));
    f.sync();
    f.write(enc('line 2\n'));
    f.close();
    files.set('log.txt', enc('line 1\nline 2\n'));
    const ours = walk(fs);
    const used = fs.fsSize();
    fs.unmount();

    const image = join(dir, 'ours.bin');
    flash.save(image);
    const { status, json } = py([image]);
    expect(json.error).toBeUndefined();
    expect(status).toBe(0);
    expect(json.fsStat).toEqual({ diskVersion: 0x20001, blockSize: 4096, blockCount: 64, nameMax: 64, fileMax: 2147483647, attrMax: 1022 });
    expect(json.usedBlocks).toBe(used);
    const entries = json.entries as PyEntry[];
    expect(entries.map(({ path, type, size }) => ({ path, type, size }))).toEqual(ours);
    for (const e of entries.filter((x) => x.type === 'file')) {
      const want = files.get(e.path)!;
      expect(e.sha256).toBe(sha256(want));
      expectBytes(new Uint8Array(Buffer.from(e.base64!, 'base64')), want, e.path);
    }
  });

  test('the binding reads what littlefs-python wrote', () => {
    const spec = {
      dirs: ['a', 'a/b'],
      files: {
        'a/b/data.bin': Buffer.from(content(7, 30000)).toString('base64'),
        'a/small.txt': Buffer.from('written by littlefs-python').toString('base64'),
      },
    };
    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const image = join(dir, 'theirs.bin');
    const { status, json } = py([image, '--make', specPath, '--block-count', '32']);
    expect(status).toBe(0);
    expect(json.bytes).toBe(32 * 4096);
    const flash = NorFlash.load(image, { readSize: 16, progSize: 16 });
    const fs = new Littlefs(
      { blockSize: 4096, blockCount: 32, readSize: 16, progSize: 16, cacheSize: 512, lookaheadSize: 16, blockCycles: 500, nameMax: 64 },
      flash,
    );
    fs.mount();
    expect(walk(fs).map((e) => e.path)).toEqual(['a', 'a/b', 'a/b/data.bin', 'a/small.txt']);
    expectBytes(fs.readFile('a/b/data.bin'), content(7, 30000));
    expect(Buffer.from(fs.readFile('a/small.txt')).toString()).toBe('written by littlefs-python');
    // and it can keep writing to it
    fs.writeFile('a/more.bin', content(8, 4000));
    fs.unmount();
    writeFileSync(image, flash.image);
    const back = py([image]).json.entries as PyEntry[];
    expect(back.find((e) => e.path === 'a/more.bin')?.sha256).toBe(sha256(content(8, 4000)));
  });

  test('crosscheck.py refuses, without formatting, an image that does not mount', () => {
    const image = join(dir, 'blank.bin');
    writeFileSync(image, new Uint8Array(8 * 4096).fill(0xff));
    const { status, json } = py([image]);
    expect(status).toBe(2);
    expect(String(json.error)).toMatch(/mount failed/);
    expect(readFileSync(image).every((b) => b === 0xff)).toBe(true);
  });
});
