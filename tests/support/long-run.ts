// A long working day on the simulated device, sampling the memory it keeps: the default suite
// runs half an hour of it (tests/device/long-run.test.ts), test:deep a 12-hour shift
// (tests/device/long-shift.test.ts).
//
// The officer carries the camera in standby (capture runs for the pre-event buffer, GNSS and
// battery are read) and starts a recording at given times; 40 s later ends it: a short press
// if it is recording, a long one if it is interrupted (the storage full, as it will be: the
// NOR partition holds minutes, docs/STORAGE.md). Batteries are swapped each hour.
//
// The run goes in a Node process of its own (long-run-child.ts, started with --expose-gc).
// Memory is sampled there after two forced collections: Node's heap plus ArrayBuffers, where
// frames, audio chunks and the flash model live. The host's observation logs (every LED level
// change, every block the speaker played) grow by design and are trimmed before each sample,
// so what remains is the firmware and the part models. The firmware's own bounded structures
// (pre-event buffer, open entry, timers) are read too.
import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordingView } from '../../firmware/core/evidence/compliance';
import type { VerifyReport } from '../../firmware/core/evidence';

export interface LongRunOptions {
  seed: number;
  minutes: number;
  /** Minutes after power-on at which the officer presses record. */
  recordAt: number[];
  /** A memory sample every so many minutes. */
  sampleEvery: number;
  /** Where the firmware runs: Node (default) or the XS engine (host-sim/xs/device-host.ts). */
  engine?: 'node' | 'xs';
}

export interface MemorySample {
  /** Virtual ms since power-on. */
  at: number;
  heapUsed: number;
  arrayBuffers: number;
  /** heapUsed + arrayBuffers: the figure compared across the run. */
  retained: number;
  state: string;
  preEvent: { items: number; bytes: number };
  /** Bytes of the entry being written, if one is open. */
  openEntry: number | undefined;
  timers: number;
  /** In the XS engine: its meter after gc(), live slots and bytes the machine holds from the system. */
  xs?: { slots: number; allocate: number };
}

export interface LongRunResult {
  samples: MemorySample[];
  problems: VerifyReport['problems'];
  recordings: RecordingView[];
  /** Host CPU time of the run, ms (machine-dependent; for the record, not for assertions). */
  cpuMs: number;
  /** Frames the camera model encoded. */
  frames: number;
}

const ROOT = join(__dirname, '..', '..');

export function longRun(options: LongRunOptions): LongRunResult & { wallMs: number } {
  // Inside the project (dist/), where the bundle finds the littlefs binding and resources.
  const dir = join(ROOT, 'dist');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `long-run-${process.pid}-${options.engine ?? "node"}-${options.minutes}.cjs`);
  const aliases = require('../../host-sim/aliases.cjs') as Record<string, string>;
  buildSync({
    entryPoints: [join(__dirname, 'long-run-child.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    alias: Object.fromEntries(Object.entries(aliases).map(([s, f]) => [s, join(ROOT, f)])),
    external: ['*.node', 'esbuild'],
    logLevel: 'warning',
  });
  try {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--expose-gc', file, JSON.stringify(options)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`long run failed (${r.status ?? r.signal}): ${r.stderr}`);
    return { ...(JSON.parse(r.stdout) as LongRunResult), wallMs: Date.now() - t0 };
  } finally {
    rmSync(file, { force: true });
  }
}

/** Growth of a figure (default `retained`) from the first sample at or after `fromMs` to the largest one after it, as a fraction of the former. */
export function growthFrom(samples: MemorySample[], fromMs: number, figure: (s: MemorySample) => number = (s) => s.retained): { base: number; max: number; growth: number } {
  const i = samples.findIndex((s) => s.at >= fromMs);
  const base = figure(samples[i]);
  const max = Math.max(...samples.slice(i).map(figure));
  return { base, max, growth: (max - base) / base };
}

/** The samples as a short table (MB), for the test's log and docs/PERFORMANCE.md. */
export function describe(run: LongRunResult): string {
  const mb = (n: number) => (n / 1048576).toFixed(2);
  const xs = (s: MemorySample) => (s.xs ? `, XS ${s.xs.slots} slots, ${mb(s.xs.allocate)} MB allocated` : '');
  return run.samples.map((s) => `${(s.at / 3600_000).toFixed(2)} h: ${mb(s.retained)} MB (heap ${mb(s.heapUsed)}, buffers ${mb(s.arrayBuffers)})${xs(s)}, ${s.state}, pre-event ${s.preEvent.items} items ${mb(s.preEvent.bytes)} MB`).join('\n');
}
