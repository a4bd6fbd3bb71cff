// The XS side of the benchmark harness (bench/xs.ts), bundled into one script and evaluated
// in xsnap-worker. The firmware's EvidenceStore runs here, either over the bridge to the
// host's littlefs (host-sim/xs/bridge/, as store-entry.ts) or over in-XS sinks that copy
// nothing (./sink-*.ts), chosen by the bundle's aliases. Media payloads are views of one
// buffer filled once, so generating them costs the meter nothing per frame.
//
//   {cmd: "open", options, wallAtZero, sinkSigner, card, encrypt}  a boot: fresh clock, EvidenceStore.open
//                                           (encrypt: every entry encrypted, FORMAT §7a, the
//                                           secure element a sink)
//                                           (card: media go to a second sink volume behind a
//                                           write queue that is always drained, the card path)
//   {cmd: "begin", recording} / {cmd: "end"} / {cmd: "shutdown"}
//   {cmd: "frames", n, bytes, intervalMs}   n video frames of `bytes`, one per interval
//   {cmd: "profile", ms, profile}           a media profile's frames, audio and fixes for ms
//   {cmd: "gc"}                             collect garbage (the reply's meter: live slots)
//   {cmd: "copy", bytes}                    one Uint8Array.prototype.set of `bytes` (calibration)
//   {cmd: "nothing"}                        the command's own cost (calibration)
//   {cmd: "instrument"}                     from now on, count payload copies (Uint8Array set,
//                                           slice), file writes and flushes and Digest writes
//                                           (changes the meter: a separate run from the timed one)
//   {cmd: "counts"}                         those counts since the last call
import { Digest } from 'crypt';
import root from 'embedded:storage/files';
import { EvidenceStore, type StoreOptions } from '../../../firmware/core/storage';
import type { Signer } from '../../../firmware/core/evidence/signer';
import { StoreWrappedKeys } from '../../../firmware/core/evidence/entry-keys';
import type { KeyAgreement, RandomSource } from '../../../hal/crypto/key-agreement';
import { VirtualClock } from '../../time/virtual-clock';
import { BridgedSigner } from '../bridge/signer';
import type { MediaVolume } from '../../../firmware/core/storage/media-volume';
import { createSinkRoot } from './sink-files';
import { serveCommands } from '../protocol';

declare const gc: () => void;

type OpenOptions = Omit<StoreOptions, 'root' | 'signer' | 'clock'>;

export interface XsProfile {
  frameIntervalMs: number;
  frameBytes: number;
  width: number;
  height: number;
  audioChunkMs: number;
  sampleRate: number;
  gnssIntervalMs: number;
}

type Command =
  | { cmd: 'open'; options: OpenOptions; wallAtZero: number | null; sinkSigner: boolean; card?: boolean; encrypt?: boolean }
  | { cmd: 'begin'; recording: number }
  | { cmd: 'end' }
  | { cmd: 'shutdown' }
  | { cmd: 'frames'; n: number; bytes: number; intervalMs: number }
  | { cmd: 'profile'; ms: number; profile: XsProfile }
  | { cmd: 'gc' }
  | { cmd: 'copy'; bytes: number }
  | { cmd: 'nothing' }
  | { cmd: 'instrument' }
  | { cmd: 'counts' };

const counts = { copiedBytes: 0, copies: 0, fileWrites: 0, fileFlushes: 0, digestWrites: 0, digestBytes: 0 };

function wrap(proto: object, name: string, count: (self: any, args: any[]) => void): void {
  const original = (proto as Record<string, (...a: unknown[]) => unknown>)[name];
  Object.defineProperty(proto, name, {
    value: function (this: unknown, ...args: unknown[]) {
      count(this, args);
      return original.apply(this, args);
    },
    writable: true,
    configurable: true,
  });
}

function instrument(): void {
  const typed = Object.getPrototypeOf(Uint8Array.prototype) as object;
  wrap(typed, 'set', (_self, [src]) => {
    counts.copies++;
    counts.copiedBytes += (src as ArrayBufferView).byteLength ?? 0;
  });
  wrap(typed, 'slice', (self, [start, end]) => {
    const len = (self as Uint8Array).length;
    const s = start === undefined ? 0 : start < 0 ? Math.max(0, len + start) : Math.min(start, len);
    const e = end === undefined ? len : end < 0 ? Math.max(0, len + end) : Math.min(end, len);
    counts.copies++;
    counts.copiedBytes += Math.max(0, e - s) * (self as Uint8Array).BYTES_PER_ELEMENT;
  });
  wrap(ArrayBuffer.prototype, 'slice', (self, [start, end]) => {
    const len = (self as ArrayBuffer).byteLength;
    counts.copies++;
    counts.copiedBytes += Math.max(0, (end ?? len) - (start ?? 0));
  });
  const f = root.openFile({ path: 'bench-instrument.tmp', mode: 'w' });
  const fileProto = Object.getPrototypeOf(f) as object;
  f.close();
  wrap(fileProto, 'write', () => counts.fileWrites++);
  wrap(fileProto, 'flush', () => counts.fileFlushes++);
  wrap(Object.getPrototypeOf(new Digest('SHA256')) as object, 'write', (_self, [data]) => {
    counts.digestWrites++;
    counts.digestBytes += (data as ArrayBufferView).byteLength ?? 0;
  });
}

/** Stands in for the secure element without crossing to the host. */
class SinkSigner implements Signer {
  readonly publicKey = new Uint8Array(65).fill(4, 0, 1);
  readonly keyId = new Uint8Array(8);
  sign(): Uint8Array {
    return new Uint8Array(64);
  }
}

/** Stands in for the secure element's Random and ECDH (the chip's time, not the engine's): fixed bytes. */
class SinkElement implements KeyAgreement, RandomSource {
  random(): Uint8Array {
    return new Uint8Array(32).fill(7);
  }

  ephemeralEcdh(peer: Uint8Array): { ephemeral: Uint8Array; secret: Uint8Array } {
    return { ephemeral: peer.slice(), secret: new Uint8Array(32).fill(9) };
  }
}

/** A store content key's shape (SEC1 uncompressed); the sink element never computes with it. */
const SINK_STORE_KEY = new Uint8Array(65).fill(4, 0, 1);

const SOURCE_BYTES = 128 * 1024;
let source: Uint8Array | undefined;
let store: EvidenceStore | undefined;
let clock: VirtualClock | undefined;
let frame = 0;
let sample = 0;
/** Profile stream state: next due times and a cheap deterministic size sequence. */
let next = { frame: 0, audio: 0, fix: 0, started: false, lcg: 1 };

function bytesOf(n: number): Uint8Array {
  if (!source) {
    source = new Uint8Array(SOURCE_BYTES);
    let x = 0x12345678;
    for (let i = 0; i < SOURCE_BYTES; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      source[i] = x >>> 24;
    }
  }
  if (n > SOURCE_BYTES) throw new RangeError(`payload of ${n} bytes: at most ${SOURCE_BYTES}`);
  return source.subarray(0, n);
}

/**
 * A card for the store's card path that costs nothing itself: a sink volume whose write queue
 * is always drained (every flush done at once), as a card that never stalls. 32 GB, 128 KiB blocks.
 */
function sinkCard(): MediaVolume {
  let commits = 0;
  const root = createSinkRoot(() => commits++);
  const queue = {
    capacity: 512 * 1024,
    used: 0,
    get flushesQueued() {
      return commits;
    },
    get flushesDone() {
      return commits;
    },
  };
  return { root, serial: '03-SD-SINK-00000000', capacityBytes: 31_914_983_424, blockSize: 128 * 1024, blockCount: 243_490, blocksUsedAtMount: 2, queue, fault: () => undefined };
}

function open(): { store: EvidenceStore; clock: VirtualClock } {
  if (!store || !clock) throw new Error('no store open');
  return { store, clock };
}

function runProfile(ms: number, p: XsProfile): void {
  const { store: s, clock: c } = open();
  if (!next.started) next = { frame: c.mono(), audio: c.mono() + p.audioChunkMs, fix: c.mono(), started: true, lcg: 1 };
  const until = c.mono() + ms;
  for (;;) {
    const f = next.frame < until ? next.frame : Infinity;
    const g = next.fix < until ? next.fix : Infinity;
    const a = next.audio <= until ? next.audio : Infinity;
    const t = Math.min(f, g, a);
    if (t === Infinity) break;
    if (t > c.mono()) c.advance(t - c.mono());
    if (t === next.audio) {
      const samples = (p.sampleRate * p.audioChunkMs) / 1000;
      s.media('audio-chunk', { firstSample: sample, sampleRate: p.sampleRate, channels: 1, bitsPerSample: 16, encoding: 'lpcm-le', samples: bytesOf(samples * 2) });
      sample += samples;
      next.audio += p.audioChunkMs;
    } else if (t === next.frame) {
      next.lcg = (Math.imul(next.lcg, 1103515245) + 12345) >>> 0;
      const size = Math.round(p.frameBytes * (0.75 + (0.5 * (next.lcg >>> 8)) / 0x1000000));
      s.media('video-frame', { frame: frame++, width: p.width, height: p.height, format: 'jpeg', image: bytesOf(size) });
      next.frame += p.frameIntervalMs;
    } else {
      s.media('gnss-fix', { latitude: 249016000, longitude: 1046040000, altitude: 150000, speed: 1200, heading: 9000, satellites: 11, hdop: 90, quality: 'gps', utc: c.wall() ?? 0 });
      next.fix += p.gnssIntervalMs;
    }
    s.tick();
  }
  if (until > c.mono()) c.advance(until - c.mono());
  s.tick();
}

function handle(c: Command): unknown {
  switch (c.cmd) {
    case 'open': {
      clock = new VirtualClock(c.wallAtZero);
      const encryption = c.encrypt ? new StoreWrappedKeys(new SinkElement(), SINK_STORE_KEY) : undefined;
      store = EvidenceStore.open({ ...c.options, root, signer: c.sinkSigner ? new SinkSigner() : new BridgedSigner(), clock, media: c.card ? sinkCard() : undefined, encryption });
      frame = 0;
      sample = 0;
      next = { frame: 0, audio: 0, fix: 0, started: false, lcg: 1 };
      bytesOf(0);
      return { nextSeq: store.head.nextSeq };
    }
    case 'begin':
      open().store.beginRecording(c.recording);
      next.started = false;
      return undefined;
    case 'end':
      open().store.endRecording();
      return undefined;
    case 'shutdown':
      open().store.shutdown();
      return undefined;
    case 'frames': {
      const { store: s, clock: k } = open();
      const image = bytesOf(c.bytes);
      for (let i = 0; i < c.n; i++) {
        k.advance(c.intervalMs);
        s.media('video-frame', { frame: frame++, width: 640, height: 480, format: 'jpeg', image });
        s.tick();
      }
      return { entries: s.entriesStored };
    }
    case 'profile':
      runProfile(c.ms, c.profile);
      return { entries: open().store.entriesStored, bytes: open().store.bytesStored };
    case 'gc':
      gc();
      return undefined;
    case 'copy': {
      const a = new Uint8Array(c.bytes);
      new Uint8Array(c.bytes).set(a);
      return undefined;
    }
    case 'nothing':
      return undefined;
    case 'instrument':
      instrument();
      return undefined;
    case 'counts': {
      const out = { ...counts };
      for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] = 0;
      return out;
    }
  }
}

serveCommands<Command>(handle);
