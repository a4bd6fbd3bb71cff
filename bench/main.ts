// npm run bench: performance figures that do not depend on the machine's speed (ratios taken
// in one run). Today: verify throughput against raw node:crypto SHA-256 over the same bytes.
import { createHash } from 'node:crypto';
import { verifyChain, type EntryFile } from '../firmware/core/evidence';
import { buildSampleChain } from '../host-sim/evidence/sample-chain';
import { SoftSigner } from '../host-sim/keys/soft-signer';
import { nodeChecker } from '../tools/crypto/node-checker';

import { meetsAim, type Figure } from './figure';
import { bootScaling, steadyRecording } from './storage';

/** Best time of each function over interleaved runs, so both see the same machine state. */
function bestOfInterleaved(runs: number, fns: readonly (() => void)[]): number[] {
  const best = fns.map(() => Infinity);
  for (let i = 0; i < 3; i++) fns.forEach((fn) => fn()); // warm up the JIT
  for (let i = 0; i < runs; i++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      fn();
      best[k] = Math.min(best[k], Number(process.hrtime.bigint() - t0) / 1e9);
    });
  }
  return best;
}

function verifyThroughput(): Figure[] {
  // Entries as the device writes them: 60 s of media each, 5 fps of 12 KB JPEG frames and
  // 16 kHz mono audio in 0.5 s chunks (~92 KB/s, the NOR flash budget in FACTS).
  const signer = SoftSigner.fromSeed('bench');
  const files: EntryFile[] = buildSampleChain({ signer, recordings: 4, mediaEntries: 2, entryMs: 60000, frameIntervalMs: 200, frameBytes: 12000, audioChunkMs: 500 });
  const total = files.reduce((n, f) => n + f.bytes.length, 0);
  let ok = true;
  const [verifyS, shaS] = bestOfInterleaved(11, [
    () => {
      ok = verifyChain(files, { checker: nodeChecker }).ok && ok;
    },
    () => {
      const h = createHash('sha256');
      for (const f of files) h.update(f.bytes);
      h.digest();
    },
  ]);
  if (!ok) throw new Error('benchmark chain did not verify');
  const mb = total / 1e6;
  return [
    { figure: 'verify throughput', value: mb / verifyS, unit: 'MB/s', aim: '', method: `${files.length} entries of 60 s (12 KB frames at 5 fps, 0.5 s audio chunks), ${mb.toFixed(1)} MB, best of 11` },
    { figure: 'node:crypto SHA-256 on the same bytes', value: mb / shaS, unit: 'MB/s', aim: '', method: 'best of 11, interleaved' },
    { figure: 'verify ÷ SHA-256 throughput', value: shaS / verifyS, unit: 'ratio', aim: '≥ 0.8', method: 'same run, same bytes' },
  ];
}

function main(): void {
  const figures = [...verifyThroughput(), ...steadyRecording(), ...bootScaling()];
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
    return;
  }
  for (const f of figures) {
    const v = f.unit === 'ratio' ? f.value.toFixed(3) : f.value.toFixed(1);
    const met = meetsAim(f);
    const mark = met === undefined ? '  ' : met ? 'ok' : 'NO';
    process.stdout.write(`${f.figure.padEnd(52)} ${v.padStart(10)} ${f.unit.padEnd(6)} ${f.aim.padEnd(7)} ${mark}  ${f.method}\n`);
  }
}

main();
