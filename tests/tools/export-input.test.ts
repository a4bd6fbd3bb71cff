// quancheng export when the chain is damaged (still exported, and said so) and on bad
// input (one line, exit 2, nothing left behind).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEntry, recordNameOf, type EntryFile } from '../../firmware/core/evidence';
import { expectOneLineError, runCli, tempDir } from '../support/cli';
import { ffprobe, scenarioRun, writeEntries, type ScenarioRun } from '../support/export';

const AT = '2026-11-27T09:00:00+08:00';
let run: ScenarioRun;
beforeAll(() => {
  run = scenarioRun('interruptions');
}, 120_000);

/** A copy of the chain with one byte of a picture in entry `seq` flipped. */
function tampered(seq: number): EntryFile[] {
  return run.files.map((f) => {
    const bytes = f.bytes.slice();
    if (f.path.endsWith(`${String(seq).padStart(10, '0')}.qce`)) {
      const frame = parseEntry(bytes).records.find((r) => recordNameOf(r.code) === 'video-frame')!;
      bytes[frame.offset + 12 + frame.payload.length - 100] ^= 0x20;
    }
    return { path: f.path, bytes };
  });
}

describe('a chain with integrity problems', () => {
  test('still exported, exit 1; the note and the report say NOT INTACT; media only from entries that verified; originals as found', async () => {
    const files = tampered(2);
    const src = writeEntries(files);
    const out = join(tempDir('export-bad'), 'p');
    const r = await runCli('export', src, '--out', out, '--at', AT);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NOT INTACT: device QC-SIM-0001/m);
    expect(r.stdout).toMatch(/the chain has 1 integrity problem: see .*verify\.txt/);
    const note = JSON.parse(readFileSync(join(out, 'note.json'), 'utf8'));
    expect(note.verification.intact).toBe(false);
    expect(note.verification.problems).toEqual([expect.objectContaining({ kind: 'modified', seq: 2 })]);
    expect(note.entries.find((e: { seq: number }) => e.seq === 2).usedForMedia).toBe(false);
    expect(note.recordings[0].entries).toEqual([1, 3, 4]);
    const html = readFileSync(join(out, 'note.html'), 'utf8');
    expect(html).toMatch(/<div class="bad"><p>完整性校验未通过 NOT INTACT/);
    expect(html).toContain('modified at 2');
    expect(readFileSync(join(out, 'verify.txt'), 'utf8')).toMatch(/^NOT INTACT/);
    const bad = files.find((f) => f.path.endsWith('0000000002.qce'))!;
    expect(Buffer.compare(readFileSync(join(out, 'original', bad.path)), Buffer.from(bad.bytes))).toBe(0);
    expect(ffprobe(join(out, 'media/recording-0001.avi')).streams.map((s) => s.codec_name).sort()).toEqual(['mjpeg', 'pcm_s16le']);
    expect((await runCli('verify', join(out, 'original'))).code).toBe(1);
  });

  test('an intact copy of the same chain exports with exit 0 and the note says INTACT', async () => {
    const out = join(tempDir('export-ok'), 'p');
    const r = await runCli('export', writeEntries(run.files), '--out', out, '--at', AT, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, problems: 0, recordings: 1, media: ['media/recording-0001.avi', 'media/recording-0001.wav'] });
    const note = JSON.parse(readFileSync(join(out, 'note.json'), 'utf8'));
    expect(note.recordings[0].interruptions.map((i: { reason: string }) => i.reason)).toEqual(['weather', 'device-fault', 'low-battery', 'obstruction']);
    expect(note.recordings[0].flags).toEqual(['interruption 4 (obstruction) never resumed: written report needed (art. 13)']);
    expect(note.recordings[0].findings).toEqual([{ code: 'never-resumed', interruption: 4, reason: 'obstruction' }]);
    // The note for people words the finding in Chinese, the verifier's English beside it.
    const html = readFileSync(join(out, 'note.html'), 'utf8');
    expect(html).toContain('<li class="flag">中断 4（遭遇阻挠）未恢复：须书面说明（第十三条）<br>interruption 4 (obstruction) never resumed: written report needed (art. 13)</li>');
    expect(html).toContain('4. 遭遇阻挠 obstruction');
  });
});

describe('bad input: one line, exit 2, nothing left behind', () => {
  /** Runs export into a fresh parent directory and checks that nothing new is left in it. */
  async function rejects(args: (out: string, parent: string) => string[], pattern: RegExp, before: (parent: string) => void = () => {}) {
    const parent = tempDir('export-in');
    before(parent);
    const existing = readdirSync(parent).sort();
    expectOneLineError(await runCli('export', ...args(join(parent, 'p'), parent)), pattern);
    expect(readdirSync(parent).sort()).toEqual(existing);
  }

  test('missing path', () => rejects((out) => ['/nonexistent/chain', '--out', out], /export: \/nonexistent\/chain: no such file or directory/));
  test('a file that is not an image', () =>
    rejects((out, parent) => [join(parent, 'junk.bin'), '--out', out], /not a whole number of 4096-byte blocks/, (p) => writeFileSync(join(p, 'junk.bin'), 'garbage')));
  test('a storage-sized file of garbage', () =>
    rejects((out, parent) => [join(parent, 'junk.img'), '--out', out], /not a readable littlefs volume/, (p) => writeFileSync(join(p, 'junk.img'), Buffer.alloc(8192, 0x5a))));
  test('--out exists and is not empty', () =>
    rejects((out) => [run.image, '--out', out], /exists and is not empty/, (p) => (mkdirSync(join(p, 'p')), writeFileSync(join(p, 'p', 'keep.txt'), 'mine'))));
  test('unknown flag', () => rejects((out) => [run.image, '--out', out, '--fast'], /unknown option --fast/));
  test('no --out', () => rejects(() => [run.image], /--out DIR is required/));
  test('bad --utc-offset', () => rejects((out) => [run.image, '--out', out, '--utc-offset', '8'], /--utc-offset must look like \+08:00/));
  test('--iso that already exists', () =>
    rejects((out, parent) => [run.image, '--out', out, '--iso', join(parent, 'x.iso')], /x\.iso already exists/, (p) => writeFileSync(join(p, 'x.iso'), '')));
  test('a failure while writing (disc image under a file) removes the half-written package', () =>
    rejects((out, parent) => [run.image, '--out', out, '--iso', join(parent, 'file', 'x.iso')], /export: (ENOTDIR|EEXIST)/, (p) => writeFileSync(join(p, 'file'), '')));
  test('an empty --out directory is fine and is filled', async () => {
    const out = tempDir('export-empty');
    expect((await runCli('export', run.image, '--out', out, '--at', AT)).code).toBe(0);
    expect(existsSync(join(out, 'note.html'))).toBe(true);
  });
});
