#!/usr/bin/env node
// Builds the spoken prompts (rule art. 12 and 13) with Debian's espeak-ng, Mandarin voice:
// the statutory notice and the request to explain an interruption, as 16 kHz mono 16-bit
// little-endian LPCM (resources/notice.pcm, resources/explain.pcm) and resources/clips.json
// (sample rate, sample count, duration, SHA-256, text, voice, espeak-ng version).
//
// espeak-ng writes 22,050 Hz WAV; the resampling to 16 kHz is done here in JavaScript
// (windowed-sinc, no dependencies). The output depends only on the text and the espeak-ng
// build, so it is the same on every run. Usage: node resources/build-clips.mjs [outDir]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLE_RATE = 16000;
export const VOICE = 'cmn';

export const CLIPS = {
  /** Article 12: the standard words of the notice. */
  notice: '为保护您的合法权益，监督我的执法行为，本次执法将全程录音录像。',
  /** Article 13: on resuming, the officer explains the interruption by voice. */
  explain: '录像曾中断，请说明中断原因。',
};

function espeak(args) {
  const r = spawnSync('espeak-ng', args, { maxBuffer: 64 << 20 });
  if (r.error?.code === 'ENOENT') {
    throw new Error('espeak-ng is not installed; the spoken prompts are built with it (Debian: apt-get install espeak-ng)');
  }
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`espeak-ng ${args.join(' ')} failed (${r.status}): ${r.stderr.toString().trim()}`);
  return r.stdout;
}

/** The PCM of a 16-bit mono WAV (espeak-ng's --stdout header may carry streaming sizes). */
function parseWav(wav) {
  if (wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE') throw new Error('espeak-ng did not produce a WAV file');
  let fmt;
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = wav.toString('latin1', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      fmt = { format: wav.readUInt16LE(body), channels: wav.readUInt16LE(body + 2), rate: wav.readUInt32LE(body + 4), bits: wav.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.channels !== 1 || fmt.bits !== 16) throw new Error(`unexpected WAV format ${JSON.stringify(fmt)}`);
      const end = Math.min(wav.length, body + size) & ~1;
      const pcm = new Int16Array((end - body) / 2);
      for (let i = 0; i < pcm.length; i++) pcm[i] = wav.readInt16LE(body + 2 * i);
      return { rate: fmt.rate, pcm };
    }
    at = body + size + (size & 1);
  }
  throw new Error('WAV without a data chunk');
}

/** Band-limited resampling: Blackman-windowed sinc, cutoff at 90 % of the lower Nyquist. */
export function resample(input, fromRate, toRate) {
  if (fromRate === toRate) return Int16Array.from(input);
  const half = 24;
  const cutoff = 0.9 * Math.min(1, toRate / fromRate);
  const step = fromRate / toRate;
  const out = new Int16Array(Math.floor((input.length * toRate) / fromRate));
  for (let n = 0; n < out.length; n++) {
    const t = n * step;
    const k0 = Math.floor(t) - half + 1;
    let acc = 0;
    for (let k = Math.max(0, k0); k < Math.min(input.length, k0 + 2 * half); k++) {
      const x = t - k;
      const u = cutoff * x;
      const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
      const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / half) + 0.08 * Math.cos((2 * Math.PI * x) / half);
      acc += input[k] * cutoff * sinc * w;
    }
    out[n] = Math.max(-32768, Math.min(32767, Math.round(acc)));
  }
  return out;
}

export function buildClips(outDir) {
  const version = espeak(['--version']).toString().split('  Data at')[0].trim();
  const manifest = { sampleRate: SAMPLE_RATE, bitsPerSample: 16, channels: 1, voice: VOICE, synthesizer: version, clips: {} };
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(CLIPS)) {
    const { rate, pcm } = parseWav(espeak(['-v', VOICE, '--stdout', text]));
    const samples = resample(pcm, rate, SAMPLE_RATE);
    const bytes = Buffer.alloc(samples.length * 2);
    samples.forEach((s, i) => bytes.writeInt16LE(s, 2 * i));
    const file = `${name}.pcm`;
    writeFileSync(join(outDir, file), bytes);
    manifest.clips[name] = {
      file,
      text,
      sampleCount: samples.length,
      durationMs: Math.round((samples.length * 1000) / SAMPLE_RATE),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
  writeFileSync(join(outDir, 'clips.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const m = buildClips(resolve(process.argv[2] ?? dirname(fileURLToPath(import.meta.url))));
    for (const [name, c] of Object.entries(m.clips)) console.log(`${name}: ${c.sampleCount} samples, ${(c.durationMs / 1000).toFixed(2)} s, sha256 ${c.sha256}`);
  } catch (e) {
    console.error(`build-clips: ${e.message}`);
    process.exit(1);
  }
}
