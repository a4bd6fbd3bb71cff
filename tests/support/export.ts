// Shared by the export tests: a scenario run cached per test file, ffprobe, and reading a
// chain's media the plain way (independently of tools/export) to compare against.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePayload, parseEntry, recordNameOf, type EntryFile } from '../../firmware/core/evidence';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { resolveScenario } from '../../host-sim/scenario/builtin';
import { runScenario, type SimResult } from '../../host-sim/scenario/run';
import { tempDir } from './cli';

export interface ScenarioRun {
  result: SimResult;
  image: string;
  files: EntryFile[];
}

/** Runs a built-in scenario once and writes its flash image to a temporary file. */
export function scenarioRun(name: string): ScenarioRun {
  const result = runScenario(resolveScenario(name), { seed: 1 });
  const dir = tempDir(`export-${name}`);
  const image = join(dir, 'flash.img');
  writeFileSync(image, result.image);
  const files = readVolumeFiles(result.device.lfs!, (p) => p.startsWith('ev/') || p.startsWith('open/'));
  return { result, image, files };
}

export interface Probe {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; sample_rate?: string; channels?: number; duration?: string }[];
  format: { format_name: string; duration: string };
}

export function ffprobe(file: string, extra: string[] = []): Probe & Record<string, unknown> {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', ...extra, '-of', 'json', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ffprobe ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A recording's media span the plain way: earliest capture to latest end, in wall-clock ms. */
export function mediaSpan(files: readonly EntryFile[], recording: number): { from: number; to: number; frames: number; firstChunk: { start: number; samples: Uint8Array } } {
  let from = Infinity;
  let to = -Infinity;
  let frames = 0;
  let firstChunk: { start: number; samples: Uint8Array } | undefined;
  for (const f of files) {
    if (!f.path.endsWith('.qce')) continue;
    const e = parseEntry(f.bytes);
    if (e.header.recording !== recording) continue;
    for (const s of e.records) {
      const name = recordNameOf(s.code);
      const at = e.header.wallStart + s.t;
      if (name === 'video-frame') {
        frames++;
        from = Math.min(from, at);
        to = Math.max(to, at + 1000 / 3);
      } else if (name === 'audio-chunk') {
        const r = decodePayload(s.code, s.t, s.payload);
        if (r.type !== 'audio-chunk') continue;
        const start = at - (r.data.samples.length / 2 / r.data.sampleRate) * 1000;
        if (!firstChunk || start < firstChunk.start) firstChunk = { start, samples: r.data.samples };
        from = Math.min(from, start);
        to = Math.max(to, at);
      }
    }
  }
  return { from, to, frames, firstChunk: firstChunk! };
}

/** Writes entry files to a new directory (an extracted volume). */
export function writeEntries(files: readonly EntryFile[]): string {
  const dir = tempDir('export-src');
  for (const f of files) {
    mkdirSync(join(dir, f.path, '..'), { recursive: true });
    writeFileSync(join(dir, f.path), f.bytes);
  }
  return dir;
}
