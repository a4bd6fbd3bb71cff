// Offload into the WORM store on a real SeaweedFS (weed mini on loopback): entry bytes per
// second through an EvidenceStoreBackend (the continuity checks, entry and index objects
// locked in compliance mode) ÷ the same entry bytes written straight to the same SeaweedFS
// with plain PutObject by the same S3 client, interleaved in one run. The path is a
// parameter, so the service's HTTP hop can be measured by the same function: its client is a
// separate process, as a technician's laptop is, and so is the service, as `quancheng serve` is.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { S3Client } from '@aws-sdk/client-s3';
import { parseEntry, type EntryFile } from '../firmware/core/evidence';
import { buildSampleChain } from '../host-sim/evidence/sample-chain';
import { SoftSigner } from '../host-sim/keys/soft-signer';
import { repoRoot } from '../host-sim/xs/bundle';
import { SERVICE_NODE_FLAGS } from '../tools/serve/node-flags';
import type { OffloadEntry } from '../tools/store';
import type { S3Endpoint } from '../tools/store/s3-client';
import { startSeaweed, weedPath } from '../tools/store/seaweedfs-mini';
import type { Figure } from './figure';
import { cpuDuring } from './process-cpu';
import { forward, newS3Store, plainBucket } from './s3-writes';

/** One path into the store, ready to run: `accept` sends the batch and says how many entries were added; `close` ends what it started. */
export interface OffloadPath {
  /** Processes of its own the path runs (its client and service), whose CPU time counts with the engine's instead of this process's. */
  pids?: Record<string, number>;
  accept(deviceId: string, batch: readonly OffloadEntry[]): Promise<number>;
  close?: () => Promise<void>;
}

/** The engine of a run: this process's S3 client of it, and where it is for another process. */
export interface Engine {
  s3: S3Client;
  endpoint: S3Endpoint;
}

/**
 * A way into the store. `open` makes a fresh, empty path for one run (its own bucket), given
 * the engine and the batch it will send; `end` stops what lasts across runs.
 */
export interface PathKind {
  label: string;
  open(engine: Engine, bucket: string, deviceId: string, batch: readonly OffloadEntry[]): Promise<OffloadPath>;
  end?(): Promise<void>;
}

export const s3Path: PathKind = {
  label: 'S3 backend',
  open: async ({ s3 }, bucket) => {
    const store = await newS3Store(s3, bucket);
    return { accept: async (deviceId, batch) => (await store.accept(deviceId, batch)).added };
  },
};

/** A helper process of the hop, started once and reused by every run (so run 0 warms it up too), that answers each line with one. */
interface Helper {
  pid: number;
  ask(line: string): Promise<string>;
  stop(): Promise<void>;
}

function startHelper(script: string, args: string[], env: Record<string, string>, { cleanup = () => {}, nodeFlags = [] }: { cleanup?: () => void; nodeFlags?: readonly string[] } = {}): Helper {
  const child = spawn(process.execPath, [...nodeFlags, join(repoRoot(), 'dist', script), ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    pid: child.pid ?? 0,
    ask: async (line) => {
      child.stdin!.write(line + '\n');
      const l = await lines.next();
      if (l.done) throw new Error(`bench: ${script} ended (exit ${await exited})`);
      return l.value as string;
    },
    stop: async () => {
      child.stdin!.end();
      await exited;
      cleanup();
    },
  };
}

const BENCH_PASSWORD = 'bench password 1';

/** The technician's side: the batch as entry files it loads once, sent on "go" (bench/offload-client.ts). */
function startHopClient(deviceId: string, batch: readonly OffloadEntry[]): Helper {
  const dir = mkdtempSync(join(tmpdir(), 'qc-bench-client-'));
  for (const e of batch) writeFileSync(join(dir, `${e.seq}.qce`), e.bytes);
  return startHelper('bench-offload-client.cjs', [deviceId, dir], { QC_BENCH_LOGIN: `bench:${BENCH_PASSWORD}` }, { cleanup: () => rmSync(dir, { recursive: true, force: true }) });
}

/**
 * A path from the technician's client process through a receiving end in a process of its
 * own (bench/hop-service.ts; `mode` is its command, serve or forward), both kept for all runs
 * of the path; the client is pointed at each run's end by `connect` (serve: it logs in) or
 * `forward`, and the clock runs from "go" to the client's answer.
 */
function hopPath(label: string, mode: 'serve' | 'forward'): PathKind {
  let client: Helper | undefined;
  let service: Helper | undefined;
  return {
    label,
    open: async ({ endpoint }, bucket, deviceId, batch) => {
      client ??= startHopClient(deviceId, batch);
      // Under the flags `quancheng serve` runs itself with, the forwarder too: the same process, only the work differs.
      service ??= startHelper('bench-hop-service.cjs', [], { QC_BENCH_S3: JSON.stringify(endpoint), QC_BENCH_PASSWORD: BENCH_PASSWORD }, { nodeFlags: SERVICE_NODE_FLAGS });
      const [c, s] = [client, service];
      const url = await s.ask(`${mode} ${bucket}`);
      if ((await c.ask(`${mode === 'serve' ? 'connect' : 'forward'} ${url}`)) !== 'ready') throw new Error('bench: the offload client did not get ready');
      return {
        pids: { service: s.pid, client: c.pid },
        accept: async () => (JSON.parse(await c.ask('go')) as { added: number }).added,
        close: async () => {
          if ((await s.ask('close')) !== 'closed') throw new Error('bench: the hop service did not close');
        },
      };
    },
    end: async () => {
      await client?.stop();
      await service?.stop();
      client = service = undefined;
    },
  };
}

/**
 * The service's hop: `quancheng serve`'s service over the S3 store (its SQLite index in a
 * temporary directory) in its own process, on loopback HTTP, offloaded into by a technician's
 * HttpStoreBackend in another (dist/bench-offload-client.cjs), connected and logged in to each
 * run's service before the clock starts.
 */
export const httpHopPath = (label: string): PathKind => hopPath(label, 'serve');

/**
 * The floor of any HTTP hop on this machine: a bare forwarder in the same kind of process,
 * node:http reading the batch and writing each entry with a plain PutObject as it arrives, 4
 * in flight, as the direct path does. What the service's hop costs beyond the bytes crossing
 * one more process, its hop ÷ this one says.
 */
export const bareForwarderPath = (label: string): PathKind => hopPath(label, 'forward');

export async function wormOffloadThroughput(kind: PathKind = s3Path): Promise<Figure[]> {
  const label = kind.label;
  const root = repoRoot();
  const weed = weedPath(root, readFileSync(join(root, 'scripts', 'seaweedfs.version'), 'utf8'));
  if (!existsSync(weed)) throw new Error(`bench: SeaweedFS is not built (${weed}); run scripts/build-seaweedfs.sh`);
  // Entries as the device writes them: 60 s of media (12 KB frames at 5 fps, 0.5 s audio).
  const files: EntryFile[] = buildSampleChain({ signer: SoftSigner.fromSeed('bench'), recordings: 2, mediaEntries: 2, entryMs: 60000, frameIntervalMs: 200, frameBytes: 12000, audioChunkMs: 500 });
  const batch: OffloadEntry[] = files.map((f) => ({ seq: parseEntry(f.bytes).header.seq, bytes: f.bytes })).sort((a, b) => a.seq - b.seq);
  const deviceId = parseEntry(batch[0].bytes).header.deviceId;
  const total = batch.reduce((n, e) => n + e.bytes.length, 0);
  const server = await startSeaweed(weed);
  const s3 = server.client();
  const engine: Engine = { s3, endpoint: { endpoint: server.endpoint, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } };
  // Each run times the path, then the direct writes right after it: the two share the
  // machine's state of that moment, so each run gives one ratio, and the figure is their
  // median (on shared cores one lucky or unlucky run of either side moves a best-of figure far).
  const runs = 11;
  const viaStore: number[] = [];
  const direct: number[] = [];
  // CPU ms over the counted runs, by process: on a machine whose cores the engine, the
  // service and the client share, the throughput ratio is a ratio of CPU spent per byte.
  const storeCpu: Record<string, number> = {};
  const directCpu: Record<string, number> = {};
  const addCpu = (to: Record<string, number>, ms: Record<string, number>) => {
    for (const [k, v] of Object.entries(ms)) to[k] = (to[k] ?? 0) + v;
  };
  try {
    for (let i = 0; i <= runs; i++) {
      // Run 0 warms both paths up and is not counted.
      // S3 bucket names are at most 63 characters.
      const path = await kind.open(engine, `bench-store-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 32).replace(/-$/, '')}-${i}`, deviceId, batch);
      const pids = { engine: server.pid, ...(path.pids ?? { store: process.pid }) };
      let t0 = process.hrtime.bigint();
      const { result: added, cpuMs: storeMs } = await cpuDuring(pids, () => path.accept(deviceId, batch));
      const storeS = Number(process.hrtime.bigint() - t0) / 1e9;
      await path.close?.();
      if (added !== batch.length) throw new Error(`bench: the store added ${added} of ${batch.length} entries`);

      const bucket = `bench-direct-${i}`;
      await plainBucket(s3, bucket);
      t0 = process.hrtime.bigint();
      // As many requests in flight as the store uses for entry objects: the fastest plain path.
      const { cpuMs: directMs } = await cpuDuring({ engine: server.pid, client: process.pid }, () => forward(s3, bucket, batch));
      const directS = Number(process.hrtime.bigint() - t0) / 1e9;
      if (i > 0) {
        viaStore.push(storeS);
        direct.push(directS);
        addCpu(storeCpu, storeMs);
        addCpu(directCpu, directMs);
      }
    }
  } finally {
    await kind.end?.();
    s3.destroy();
    await server.stop();
  }
  const mb = total / 1e6;
  const ratios = direct.map((d, i) => d / viaStore[i]);
  return [
    { figure: `WORM offload throughput (${label} into SeaweedFS)`, value: mb / median(viaStore), unit: 'MB/s', aim: '', method: `${batch.length} entries of 60 s, ${mb.toFixed(1)} MB, one accept() into a fresh bucket, median of ${runs} runs` },
    { figure: `the same bytes by plain PutObject into SeaweedFS (beside ${label})`, value: mb / median(direct), unit: 'MB/s', aim: '', method: `same entries, one object each, 4 in flight, same client, median of ${runs} runs, each right after the path's` },
    {
      figure: `WORM offload (${label}) ÷ direct S3 writes`,
      value: median(ratios),
      unit: 'ratio',
      aim: '≥ 0.8',
      method: `median over ${runs} runs of each run's direct time ÷ path time (same bytes, same engine, back to back): runs ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; best ÷ best ${(Math.min(...direct) / Math.min(...viaStore)).toFixed(3)}`,
      against: 'plain PutObject of the same bytes, same run',
    },
    {
      figure: `CPU per byte, WORM offload (${label}) ÷ direct S3 writes`,
      value: sum(storeCpu) / sum(directCpu),
      unit: 'ratio',
      aim: '',
      method: `CPU ms of every process over the ${runs} counted runs: ${spent(storeCpu)}, against ${spent(directCpu)} (${availableParallelism()} cores shared)`,
      against: 'the CPU plain PutObject of the same bytes spends, same run',
    },
  ];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const sum = (ms: Record<string, number>) => Object.values(ms).reduce((a, b) => a + b, 0);
const spent = (ms: Record<string, number>) => Object.entries(ms).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
