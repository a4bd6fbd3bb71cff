// The spoken prompts (rule art. 12, 13): built with espeak-ng's Mandarin voice, 16 kHz mono.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClips, clips } from './clips';

test('the notice and the explanation prompt exist as 16 kHz mono 16-bit PCM of the right length', () => {
  const { dir, manifest } = clips();
  expect(manifest).toMatchObject({ sampleRate: 16000, bitsPerSample: 16, channels: 1, voice: 'cmn' });
  expect(manifest.clips.notice.text).toBe('为保护您的合法权益，监督我的执法行为，本次执法将全程录音录像。');
  for (const name of ['notice', 'explain'] as const) {
    const c = manifest.clips[name];
    const bytes = readFileSync(join(dir, c.file));
    expect(bytes.length).toBe(c.sampleCount * 2);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(c.sha256);
    expect(c.durationMs).toBe(Math.round((c.sampleCount * 1000) / 16000));
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    const rms = Math.sqrt(pcm.reduce((s, v) => s + v * v, 0) / pcm.length);
    expect(rms).toBeGreaterThan(500); // speech, not silence
  }
  expect(manifest.clips.notice.durationMs).toBeGreaterThanOrEqual(8000);
  expect(manifest.clips.notice.durationMs).toBeLessThanOrEqual(11000);
  expect(manifest.clips.explain.durationMs).toBeGreaterThan(1500);
  expect(manifest.clips.explain.durationMs).toBeLessThan(manifest.clips.notice.durationMs);
});

test('the build is deterministic', () => {
  const again = buildClips();
  const first = clips();
  expect(again.manifest.clips).toEqual(first.manifest.clips);
  expect(statSync(join(again.dir, 'notice.pcm')).size).toBe(first.manifest.clips.notice.sampleCount * 2);
});

test('without espeak-ng the build fails with a clear message', () => {
  const { execFileSync } = jest.requireActual('node:child_process') as typeof import('node:child_process');
  const out = mkdtempSync(join(tmpdir(), 'quancheng-no-espeak-'));
  let message = '';
  try {
    execFileSync(process.execPath, [join(__dirname, '../../../resources/build-clips.mjs'), out], { stdio: 'pipe', env: { PATH: '/nonexistent' } });
  } catch (e) {
    message = String((e as { stderr: Buffer }).stderr);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  expect(message).toMatch(/espeak-ng is not installed/);
});
