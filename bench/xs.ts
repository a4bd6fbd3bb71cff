// XS figures from the real XS engine's deterministic meter (xsnap-worker): compute per frame
// by frame size, and heap after an hour of recording against five minutes. The firmware's
// EvidenceStore runs in XS either over in-XS sinks (no bridge: the store's own cost, as on
// the device where Digest and file writes are native calls) or over the bridge to the host's
// littlefs on the NOR model (host-sim/xs/bridge/, which copies every buffer into a message).
import { bundleForXs } from '../host-sim/xs/bundle';
import { XsWorker, type XsMeter } from '../host-sim/xs/driver';
import { decodeMessage, encodeMessage, rebuildError, type ErrorData } from '../host-sim/xs/protocol';
import { XsStoreHost } from '../host-sim/xs/store-host';
import type { XsProfile } from '../host-sim/xs/bench/entry';
import { BLOCK_SIZE } from '../host-sim/flash/storage-volume';
import { DEFAULT_WORLD_START } from '../host-sim/time/virtual-clock';
import { DEFAULT_PROFILE, VGA_PROFILE, type MediaProfile } from '../host-sim/workload/recording';
import type { Figure } from './figure';

const ENTRY = 'host-sim/xs/bench/entry.ts';
const SINK_ALIASES = { crypt: 'host-sim/xs/bench/sink-crypt.ts', 'embedded:storage/files': 'host-sim/xs/bench/sink-files.ts' };

/** sink: the store alone over in-XS sinks; card: the same with media on a sink card behind a drained write queue (the card path); bridge: over the bridge to littlefs. */
type Mode = 'sink' | 'card' | 'bridge';

/** One XS worker running the bench entry, in either mode. */
class BenchXs {
  readonly mode: Mode;
  readonly #worker: XsWorker;
  readonly #host: XsStoreHost | undefined;

  private constructor(mode: Mode, worker: XsWorker, host?: XsStoreHost) {
    this.mode = mode;
    this.#worker = worker;
    this.#host = host;
  }

  static async start(mode: Mode, blockCount: number, encrypt = false): Promise<BenchXs> {
    const options = { deviceId: 'QC-BENCH-XS', blockSize: BLOCK_SIZE, blockCount, firmware: { version: '0.1.0', build: 'bench' } };
    let b: BenchXs;
    if (mode !== 'bridge') {
      const w = new XsWorker({ name: `quancheng-bench-${mode}` });
      b = new BenchXs(mode, w);
      await w.evaluate(await bundleForXs(ENTRY, { aliases: SINK_ALIASES }));
    } else {
      // The store harness's host serves the bridge (littlefs on the NOR model). Its own store
      // is shut down cleanly first; the bench entry then boots the volume again, cold.
      const host = await XsStoreHost.start({ deviceId: 'QC-BENCH-XS', blockCount });
      const r = await host.steps([{ op: 'shutdown' }]);
      if (r.error) throw r.error;
      b = new BenchXs(mode, host.worker, host);
      await host.worker.evaluate(await bundleForXs(ENTRY));
    }
    await b.command({ cmd: 'open', options, wallAtZero: DEFAULT_WORLD_START, sinkSigner: mode !== 'bridge', card: mode === 'card', encrypt });
    return b;
  }

  async command(c: unknown): Promise<{ value: unknown; meter: XsMeter }> {
    const { reply, meter } = await this.#worker.command(encodeMessage(c));
    const r = decodeMessage<{ value?: unknown; error?: ErrorData }>(reply).header;
    if (r.error) throw rebuildError(r.error);
    return { value: r.value, meter };
  }

  get nor() {
    return this.#host?.nor;
  }

  close(): void {
    if (this.#host) this.#host.close();
    else this.#worker.close();
  }
}

export interface FrameCounts {
  copiedBytes: number;
  copies: number;
  fileWrites: number;
  fileFlushes: number;
  digestWrites: number;
  digestBytes: number;
}

export interface FrameCost {
  mode: Mode;
  bytes: number;
  /** Time between frames (5 fps for the NOR profile's bench; the card path at its own 10 fps). */
  intervalMs: number;
  /** Meter (compute) per frame, the command's own cost taken out. */
  perFrame: number;
  /** Per frame, from a separate instrumented run (sink mode only). */
  counts?: FrameCounts;
}

const FRAMES = 60;

/** XS compute per stored frame of `bytes`, over FRAMES frames after a warm-up, in a fresh worker. */
export async function frameCost(mode: Mode, bytes: number, intervalMs = 200, encrypt = false): Promise<FrameCost> {
  const x = await BenchXs.start(mode, 8192, encrypt);
  try {
    await x.command({ cmd: 'begin', recording: 1 });
    await x.command({ cmd: 'frames', n: 10, bytes, intervalMs });
    const base = (await x.command({ cmd: 'nothing' })).meter.compute;
    const m = (await x.command({ cmd: 'frames', n: FRAMES, bytes, intervalMs })).meter.compute;
    return { mode, bytes, intervalMs, perFrame: (m - base) / FRAMES };
  } finally {
    x.close();
  }
}

/** The same frames in a separate, instrumented worker: copies and calls per frame. */
export async function frameCounts(bytes: number, mode: 'sink' | 'card' = 'sink'): Promise<FrameCounts> {
  const x = await BenchXs.start(mode, 8192);
  try {
    await x.command({ cmd: 'begin', recording: 1 });
    await x.command({ cmd: 'frames', n: 10, bytes, intervalMs: 200 });
    await x.command({ cmd: 'instrument' });
    await x.command({ cmd: 'counts' });
    await x.command({ cmd: 'frames', n: FRAMES, bytes, intervalMs: 200 });
    const c = (await x.command({ cmd: 'counts' })).value as FrameCounts;
    return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v / FRAMES])) as unknown as FrameCounts;
  } finally {
    x.close();
  }
}

/** Meter units per byte of one Uint8Array.prototype.set (native memcpy), measured in XS. */
async function copyCostPerByte(): Promise<number> {
  const x = await BenchXs.start('sink', 256);
  try {
    const small = (await x.command({ cmd: 'copy', bytes: 10_000 })).meter.compute;
    const large = (await x.command({ cmd: 'copy', bytes: 100_000 })).meter.compute;
    return (large - small) / 90_000;
  } finally {
    x.close();
  }
}

export interface XsFrameResult {
  figures: Figure[];
  costs: FrameCost[];
  copyPerByte: number;
  /** XS compute per second of a profile's recording on the card path. */
  perSecond: { profile: string; compute: number }[];
}

function xsProfile(p: MediaProfile): XsProfile {
  return { frameIntervalMs: p.frameIntervalMs, frameBytes: p.frameBytes, width: p.width, height: p.height, audioChunkMs: p.audioChunkMs, sampleRate: p.sampleRate, gnssIntervalMs: p.gnssIntervalMs };
}

/** XS compute per second of recording at `p` (frames, audio and fixes) on the card path, after 10 s warm-up, over 60 s. */
export async function perSecond(p: MediaProfile, encrypt = false): Promise<number> {
  const x = await BenchXs.start('card', 8192, encrypt);
  try {
    await x.command({ cmd: 'begin', recording: 1 });
    await x.command({ cmd: 'profile', ms: 10_000, profile: xsProfile(p) });
    const base = (await x.command({ cmd: 'nothing' })).meter.compute;
    const m = (await x.command({ cmd: 'profile', ms: 60_000, profile: xsProfile(p) })).meter.compute;
    return (m - base) / 60;
  } finally {
    x.close();
  }
}

export async function xsFrameCost(): Promise<XsFrameResult> {
  const costs: FrameCost[] = [];
  for (const mode of ['sink', 'bridge'] as const) for (const bytes of [10_000, 100_000]) costs.push(await frameCost(mode, bytes));
  // The card path at the card profile's 10 fps, and at the NOR bench's 5 fps for comparison.
  for (const bytes of [10_000, 100_000]) costs.push(await frameCost('card', bytes, VGA_PROFILE.frameIntervalMs));
  const card5 = [await frameCost('card', 10_000), await frameCost('card', 100_000)];
  for (const c of costs) if (c.mode === 'sink') c.counts = await frameCounts(c.bytes);
  const copyPerByte = await copyCostPerByte();
  const cost = (mode: Mode, bytes: number) => costs.find((c) => c.mode === mode && c.bytes === bytes)!;
  const get = (mode: Mode, bytes: number) => cost(mode, bytes).perFrame;
  const small = cost('sink', 10_000).counts!;
  const large = cost('sink', 100_000).counts!;
  // The store's cost with its measured copies taken out (bytes copied × the calibrated meter per byte).
  const withoutCopies = (bytes: number) => get('sink', bytes) - cost('sink', bytes).counts!.copiedBytes * copyPerByte;
  const perWrite = (withoutCopies(100_000) - withoutCopies(10_000)) / (large.fileWrites - small.fileWrites);
  const fixed = withoutCopies(10_000) - small.fileWrites * perWrite;
  const bridgeExtra = (bytes: number) => get('bridge', bytes) - get('sink', bytes);
  const f = (n: number) => n.toFixed(0);
  const g = (n: number) => n.toFixed(1);
  const vga = await perSecond(VGA_PROFILE);
  const figures: Figure[] = [
    {
      figure: 'XS compute per frame, 100 KB ÷ 10 KB (store alone)',
      value: get('sink', 100_000) / get('sink', 10_000),
      unit: 'ratio',
      aim: '≤ 1.1',
      method: `xsnap meter per frame, ${FRAMES} frames at 5 fps after 10 warm-up, EvidenceStore in XS over in-XS sinks (Digest and file writes cost one call, as native ones; no bridge): ${f(get('sink', 100_000))} vs ${f(get('sink', 10_000))}. Instrumented run, per frame: ${f(large.copiedBytes)} vs ${f(small.copiedBytes)} bytes copied (${g(large.copies)} vs ${g(small.copies)} copies), ${g(large.fileWrites)} vs ${g(small.fileWrites)} file writes, ${g(large.fileFlushes)} vs ${g(small.fileFlushes)} flushes, ${g(large.digestWrites)} vs ${g(small.digestWrites)} Digest writes`,
    },
    {
      figure: 'XS compute per frame, 100 KB ÷ 10 KB (store, copies taken out)',
      value: withoutCopies(100_000) / withoutCopies(10_000),
      unit: 'ratio',
      aim: '',
      method: `store alone less its copies (bytes copied × ${copyPerByte.toFixed(2)} meter per byte of Uint8Array.prototype.set, calibrated in the same run): ${f(withoutCopies(100_000))} vs ${f(withoutCopies(10_000))}; the rest grows with the file writes (one per littlefs block the frame crosses): ${f(perWrite)} per write, ${f(fixed)} per frame`,
    },
    {
      figure: 'XS compute per frame, 100 KB ÷ 10 KB (card path)',
      value: get('card', 100_000) / get('card', 10_000),
      unit: 'ratio',
      aim: '≤ 1.1',
      method: `as "store alone", at the card profile's ${1000 / VGA_PROFILE.frameIntervalMs} fps, with the media on a card (EvidenceStore's card path: media entries on the card volume behind its write queue, flush tickets, the chain on the internal volume) over an in-XS sink card whose queue is always drained: ${f(get('card', 100_000))} vs ${f(get('card', 10_000))}. At 5 fps: ${(card5[1].perFrame / card5[0].perFrame).toFixed(3)} (${f(card5[1].perFrame)} vs ${f(card5[0].perFrame)}): commits wait for a 128 KiB block end, so their rate per frame grows with the data rate until it reaches one per half flush window`,
    },
    {
      figure: 'XS compute per second of vga-10-16k (card path)',
      value: vga,
      unit: 'meter/s',
      aim: '',
      method: `60 s of the card's profile (${1000 / VGA_PROFILE.frameIntervalMs} fps of ~${(VGA_PROFILE.frameBytes / 1000).toFixed(0)} KB frames, ${VGA_PROFILE.sampleRate / 1000} kHz audio in ${VGA_PROFILE.audioChunkMs} ms chunks, a fix a second) after 10 s warm-up, the card path over in-XS sinks: ${(vga / (get('card', 10_000) * (1000 / VGA_PROFILE.frameIntervalMs))).toFixed(2)}× its frames alone at 10 KB each`,
    },
    {
      figure: 'XS compute per frame, 100 KB ÷ 10 KB (through the bridge)',
      value: get('bridge', 100_000) / get('bridge', 10_000),
      unit: 'ratio',
      aim: '',
      method: `the same over host-sim/xs/bridge to littlefs: ${f(get('bridge', 100_000))} vs ${f(get('bridge', 10_000))}; the bridge adds ${f(bridgeExtra(100_000))} vs ${f(bridgeExtra(10_000))} (it copies every Digest.write and file write into a message: ${g(bridgeExtra(100_000) / (copyPerByte * 100_000))} vs ${g(bridgeExtra(10_000) / (copyPerByte * 10_000))} payload-equivalents)`,
    },
  ];
  return { figures, costs, copyPerByte, perSecond: [{ profile: VGA_PROFILE.name, compute: vga }] };
}

export interface HeapResult {
  figures: Figure[];
  samples: { minutes: number; heapSlots: number; allocate: number; entries: number }[];
}

/** XS live heap (slots after a collection) along an hour of the default profile, in virtual time. */
export async function xsHeap(mode: Mode = 'bridge'): Promise<HeapResult> {
  const p = DEFAULT_PROFILE;
  const profile: XsProfile = { frameIntervalMs: p.frameIntervalMs, frameBytes: p.frameBytes, width: p.width, height: p.height, audioChunkMs: p.audioChunkMs, sampleRate: p.sampleRate, gnssIntervalMs: p.gnssIntervalMs };
  // An hour of ~48 KB/s is ~172 MB: the volume holds it.
  const x = await BenchXs.start(mode, mode === 'bridge' ? 46_000 : 256);
  const samples: HeapResult['samples'] = [];
  try {
    await x.command({ cmd: 'begin', recording: 1 });
    let entries = 0;
    for (let minute = 1; minute <= 60; minute++) {
      entries = ((await x.command({ cmd: 'profile', ms: 60_000, profile })).value as { entries: number }).entries;
      if (minute === 1 || minute % 5 === 0) {
        const m = (await x.command({ cmd: 'gc' })).meter;
        samples.push({ minutes: minute, heapSlots: m.currentHeapCount, allocate: m.allocate, entries });
      }
    }
  } finally {
    x.close();
  }
  const at = (min: number) => samples.find((s) => s.minutes === min)!;
  const five = at(5);
  const hour = at(60);
  return {
    samples,
    figures: [
      {
        figure: 'XS heap, 1 h ÷ 5 min of recording (live slots after GC)',
        value: hour.heapSlots / five.heapSlots,
        unit: 'ratio',
        aim: '≤ 1.05',
        method: `xsnap currentHeapCount after gc(): ${hour.heapSlots} vs ${five.heapSlots} slots; ${p.name} in virtual time, EvidenceStore in XS ${mode === 'bridge' ? 'over the bridge to littlefs' : 'over in-XS sinks'}, ${hour.entries} entries sealed`,
      },
      {
        figure: 'XS heap space, 1 h ÷ 5 min (allocate)',
        value: hour.allocate / five.allocate,
        unit: 'ratio',
        aim: '',
        method: `xsnap allocate (bytes the XS machine holds from the system): ${hour.allocate} vs ${five.allocate}`,
      },
    ],
  };
}
