// The spoken prompts, built by resources/build-clips.mjs (espeak-ng) into a scratch directory
// once per test file, and loaded as the device would hold them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clip } from '../../../hal/media/clip';

export interface ClipManifest {
  sampleRate: number;
  bitsPerSample: number;
  channels: number;
  voice: string;
  synthesizer: string;
  clips: Record<'notice' | 'explain', { file: string; text: string; sampleCount: number; durationMs: number; sha256: string }>;
}

const script = join(__dirname, '../../../resources/build-clips.mjs');
let built: { dir: string; manifest: ClipManifest } | undefined;

export function buildClips(dir = mkdtempSync(join(tmpdir(), 'quancheng-clips-'))): { dir: string; manifest: ClipManifest } {
  execFileSync(process.execPath, [script, dir], { stdio: 'pipe' });
  return { dir, manifest: JSON.parse(readFileSync(join(dir, 'clips.json'), 'utf8')) };
}

export function clips(): { dir: string; manifest: ClipManifest } {
  return (built ??= buildClips());
}

export function loadClip(name: 'notice' | 'explain'): Clip {
  const { dir, manifest } = clips();
  const bytes = readFileSync(join(dir, manifest.clips[name].file));
  const samples = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { samples, sampleRate: manifest.sampleRate };
}
