// The whole body camera with its firmware in the real XS engine: the host keeps everything
// that is hardware or world (SimDevice's board, part models, virtual-time scheduler, NOR flash
// with littlefs, device key, RTC), and firmware/main.ts runs inside xsnap-worker
// (device-entry.ts), reaching every device module through the bridges:
//
//   embedded:io/*, camera   host-sim/io/ classes on the host, one per XS proxy (bridge/io.ts);
//                           their callbacks come back into XS as commands
//   timer                   timers on the host's scheduler; a firing runs the XS callback
//   time                    the host's virtual time, sent with each command into XS
//   embedded:storage/files, crypt, the signer   as in the storage harness (host-bridge.ts)
//   embedded:storage/card   the SimDevice's CardHost (the slot's card model, its queue)
//
// The XS worker is synchronous to the host (sync-driver.ts): a timer callback on the host's
// scheduler returns only when the firmware's callback in XS is done, so the run follows the
// Node run's order of events exactly and the flash comes out byte-identical. A power cut kills
// the worker (RAM lost) and the next power-on starts a fresh one on the same flash.
//
// runScenarioXs runs a scenario as host-sim/scenario/run.ts's runScenario does, event for event.
import type { VerifyReport } from '../../firmware/core/evidence';
import { SimDevice, type SimDeviceOptions } from '../device/sim-device';
import { LfsDirectory } from '../files/lfs-directory';
import { PowerCut } from '../flash/nor';
import Analog from '../io/analog';
import AudioIn from '../io/audio-in';
import AudioOut from '../io/audio-out';
import Camera from '../io/camera';
import Digital from '../io/digital';
import I2C from '../io/i2c';
import Serial from '../io/serial';
import { Littlefs } from '../littlefs/index';
import { reportRun, type SimReport } from '../scenario/run';
import { driveScenario, isPowerCut, scenarioDeviceOptions, type RecorderCall, type ScenarioDevice } from '../scenario/drive';
import type { Scenario } from '../scenario/types';
import type { TimerHandle } from '../time/scheduler';
import type { WireArg, WireCallbackArg, WireResult } from './bridge/io';
import { deviceXsBundle } from './bundle';
import { StorageBridge, type BridgeHeader } from './host-bridge';
import { decodeMessage, encodeMessage, errorData, rebuildError, type ErrorData } from './protocol';
import { XsSyncWorker } from './sync-driver';
import type { XsMeter } from './driver';


type IoClass = new (options: any) => object;
const IO_CLASSES: Record<string, IoClass> = { Digital, Analog, I2C, Serial, AudioIn, AudioOut, Camera };

export interface XsStats {
  /** XS compute meter summed over the run (boot scripts and every command). */
  compute: number;
  /** Of which: evaluating the firmware's script at each power-on. */
  loadCompute: number;
  /** Commands into XS (timer firings, callbacks, boots, scenario calls). */
  commands: number;
  /** Calls from XS to the host (issueCommand round trips). */
  calls: number;
  /** Workers started (power-ons). */
  boots: number;
  /** Size of the firmware's XS script, bytes. */
  bundleBytes: number;
  /** Commands and their compute by kind: "boot", "timer", "Camera.onReadable", "recorder.tagCase", ... */
  byCommand: Record<string, { count: number; compute: number }>;
}


/** A Uint8Array (or Buffer), from any realm (under jest, node:crypto's come from another). */
function isBytes(x: unknown): x is Uint8Array {
  return Object.prototype.toString.call(x) === '[object Uint8Array]';
}

/** Everything an XS callback may be handed, as data. */
function wireCallbackArg(a: unknown): WireCallbackArg {
  if (a === undefined) return { u: 1 };
  if (a instanceof Error) return { error: errorData(a) };
  return { v: a };
}

/**
 * A SimDevice whose firmware runs in XS. The parts, scheduler, flash and key are the
 * SimDevice's own; power-on, power cut and switch-off are redone here around the worker.
 */
export class XsDevice implements ScenarioDevice {
  readonly sim: SimDevice;
  readonly stats: XsStats = { compute: 0, loadCompute: 0, commands: 0, calls: 0, boots: 0, bundleBytes: 0, byCommand: {} };
  /** Called when the firmware renames a file in the root (a sealed entry moving into place). */
  onMove: ((to: string) => void) | undefined;
  /** Echo the firmware's print() output after each worker ends (debugging). */
  echo = false;
  #worker: XsSyncWorker | undefined;
  #running = false;
  #storage: StorageBridge | undefined;
  #io = new Map<number, object>();
  #ioKinds = new Map<number, string>();
  #frames = new Map<number, { close(): void }>();
  #timers = new Map<number, { handle: TimerHandle; repeat: boolean }>();
  #nextId = 1;
  /** Power-on count: callbacks of instances from an earlier life never reach the new worker. */
  #generation = 0;
  /** The PowerCut the flash threw while serving XS (what the firmware's error chain names). */
  #powerCut: PowerCut | undefined;
  /** The XS meter of the last command's reply. */
  #lastMeter: XsMeter | undefined;

  constructor(options: SimDeviceOptions) {
    this.sim = new SimDevice(options);
  }

  /** The XS meter so far, the running worker's calls included. */
  meter(): XsStats {
    const byCommand = Object.fromEntries(Object.entries(this.stats.byCommand).map(([k, v]) => [k, { ...v }]));
    return { ...this.stats, byCommand, calls: this.stats.calls + (this.#worker?.calls ?? 0) };
  }

  /** True while firmware runs (SimDevice.firmware's role). */
  get running(): boolean {
    return this.#running;
  }

  get scheduler() {
    return this.sim.scheduler;
  }

  /** Power on: mount the volume (formatting a blank flash), start a fresh XS worker with the firmware. */
  powerOn(): void {
    const d = this.sim;
    const lfs = d.powerUp();
    this.#startWorker(lfs);
    this.#running = true;
    const clips = d.clips;
    const notice = new Uint8Array(clips.notice.samples);
    const explain = new Uint8Array(clips.explain.samples);
    const blob = new Uint8Array(notice.length + explain.length);
    blob.set(notice);
    blob.set(explain, notice.length);
    this.command(
      {
        cmd: 'boot',
        env: { deviceId: d.options.deviceId, blockCount: d.options.blockCount, preEventMs: d.options.preEventMs, build: 'host-sim', ...d.contentSetting },
        clips: { notice: { sampleRate: clips.notice.sampleRate, bytes: notice.length }, explain: { sampleRate: clips.explain.sampleRate, bytes: explain.length } },
      },
      blob,
    );
  }

  /** Power is gone: the worker dies with the RAM; flash and the RTC's backup keep theirs. */
  cutPower(): void {
    this.#stopWorker();
    this.#running = false;
    this.sim.cutPower();
  }

  /** Orderly power-down: the firmware seals everything, then the worker ends. */
  switchOff(): void {
    this.sim.battery.drawMa = 0;
    if (this.#running) this.command({ cmd: 'shutdown' });
    this.sim.scheduler.clearAll();
    this.#running = false;
    this.#stopWorker();
  }

  /** A call on the running firmware's recorder (nothing when the device is off, as `fw?.` in run.ts). */
  recorder(method: RecorderCall | string, ...args: unknown[]): void {
    if (this.#running) this.command({ cmd: 'recorder', method, args });
  }

  /** The firmware's live XS heap after a full collection (slots, and bytes the machine holds), and its bounded structures. */
  memory(): { slots: number; allocate: number; state: string; preEvent: { items: number; bytes: number }; openEntry: number | undefined } {
    const v = this.command({ cmd: 'memory' }) as { state: string; preEvent: { items: number; bytes: number }; openEntry?: number };
    return { slots: this.#lastMeter!.currentHeapCount, allocate: this.#lastMeter!.allocate, ...v, openEntry: v.openEntry };
  }

  /** The store's head in XS, or null when off. */
  state(): { nextSeq: number; link: string; state: string } | null {
    return this.#running ? (this.command({ cmd: 'state' }) as { nextSeq: number; link: string; state: string } | null) : null;
  }

  /** A command into XS, with the host's virtual time; an error in XS is thrown here (the flash's own PowerCut when its chain has one). */
  command(c: Record<string, unknown>, blob?: Uint8Array): unknown {
    const w = this.#worker;
    if (!w) throw new Error('xs device: no worker (powered off)');
    this.stats.commands++;
    const before = w.compute;
    const { reply, meter } = w.command(encodeMessage({ ...c, now: this.sim.scheduler.now() }, blob));
    this.#lastMeter = meter;
    const spent = w.compute - before;
    this.stats.compute += spent;
    const kind = c.cmd === 'cb' ? `${this.#ioKinds.get(c.id as number) ?? 'io'}.${String(c.name)}` : c.cmd === 'recorder' ? `recorder.${String(c.method)}` : String(c.cmd);
    const k = (this.stats.byCommand[kind] ??= { count: 0, compute: 0 });
    k.count++;
    k.compute += spent;
    const r = decodeMessage<{ value?: unknown; error?: ErrorData; powerCut?: boolean }>(reply).header;
    if (r.error) {
      if (r.powerCut) throw this.#powerCut ?? new PowerCut('unknown', this.sim.nor.counters.opIndex, r.error.message);
      throw rebuildError(r.error);
    }
    return r.value;
  }

  close(): void {
    this.#stopWorker();
  }

  #startWorker(lfs: Littlefs): void {
    this.#stopWorker();
    this.#generation++;
    this.#io = new Map();
    this.#ioKinds = new Map();
    this.#frames = new Map();
    this.#timers = new Map();
    this.#nextId = 1;
    this.#powerCut = undefined;
    const root = new LfsDirectory(lfs);
    this.#storage = new StorageBridge(root, this.sim.signer);
    this.#storage.onMove = (to) => this.onMove?.(to);
    const w = new XsSyncWorker({ onCommand: (m) => this.#serve(m), name: `quancheng-${this.sim.options.deviceId}` });
    this.#worker = w;
    this.stats.boots++;
    const script = deviceXsBundle();
    this.stats.bundleBytes = script.length;
    const { meter } = w.evaluate(script);
    this.stats.loadCompute += meter.compute;
    this.stats.compute += meter.compute;
  }

  #stopWorker(): void {
    const w = this.#worker;
    if (!w) return;
    this.#worker = undefined;
    this.stats.calls += w.calls;
    if (this.echo && w.stdout) process.stdout.write(w.stdout);
    w.close();
  }

  // ---- the bridge, host side

  #serve(message: Uint8Array): Uint8Array {
    const { header, blob } = decodeMessage<BridgeHeader>(message);
    try {
      const storage = this.#storage!.serve(header, blob);
      const out = storage ? storage.value : this.#dispatch(header, blob);
      if (isBytes(out)) return encodeMessage({}, out);
      if (out && typeof out === 'object' && 'blob' in out && isBytes((out as { blob: unknown }).blob)) {
        const o = out as { value: unknown; blob: Uint8Array };
        return encodeMessage({ value: o.value }, o.blob);
      }
      return encodeMessage({ value: out });
    } catch (e) {
      if (isPowerCut(e)) {
        let x: unknown = e;
        while (!(x instanceof PowerCut)) x = (x as { cause?: unknown }).cause;
        this.#powerCut ??= x;
      }
      return encodeMessage({ error: errorData(e) });
    }
  }

  #card() {
    const card = this.sim.cardHost;
    if (!card) throw new Error('xs bridge: the card module is not up (powered off)');
    return card;
  }

  #instance(id: number): Record<string, any> {
    const i = this.#io.get(id);
    if (!i) throw new Error(`xs bridge: no IO instance #${id}`);
    return i as Record<string, any>;
  }

  #dispatch(c: BridgeHeader, blob: Uint8Array): unknown {
    const scheduler = this.sim.scheduler;
    switch (c.op) {
      case 'io.new': {
        const Cls = IO_CLASSES[c.kind as string];
        if (!Cls) throw new Error(`xs bridge: no IO class ${JSON.stringify(c.kind)}`);
        const id = this.#nextId++;
        const generation = this.#generation;
        const options: Record<string, unknown> = { ...(c.options as Record<string, unknown>) };
        for (const name of c.callbacks as string[]) {
          options[name] = (...args: unknown[]) => {
            if (generation !== this.#generation || !this.#worker) return;
            this.command({ cmd: 'cb', id, name, args: args.map(wireCallbackArg) });
          };
        }
        this.#io.set(id, new Cls(options));
        this.#ioKinds.set(id, c.kind as string);
        return id;
      }
      case 'io.call': {
        const inst = this.#instance(c.id);
        let fill: Uint8Array | undefined;
        const args = (c.args as WireArg[]).map((a) => {
          if ('u' in a) return undefined;
          if ('data' in a) return blob;
          if ('fill' in a) return (fill = new Uint8Array(a.fill));
          return a.v;
        });
        if (typeof inst[c.m] !== 'function') throw new TypeError(`${String(c.m)} is not a function`);
        const r: unknown = inst[c.m](...args);
        if (fill) return { value: { filled: r } satisfies WireResult, blob: fill };
        if (Object.prototype.toString.call(r) === '[object ArrayBuffer]') {
          // (Checked by tag: under jest the host classes may live in another realm.)
          const bytes = new Uint8Array(r as ArrayBuffer);
          // A "buffer/disposable" camera frame: held on the host until XS closes its copy.
          if (typeof (r as { close?: unknown }).close === 'function') {
            const id = this.#nextId++;
            this.#frames.set(id, r as unknown as { close(): void });
            return { value: { frame: id } satisfies WireResult, blob: bytes };
          }
          return { value: { ab: 1 } satisfies WireResult, blob: bytes };
        }
        return { v: r } satisfies WireResult;
      }
      case 'io.get':
        return this.#instance(c.id)[c.p];
      case 'io.set':
        this.#instance(c.id)[c.p] = c.v;
        return undefined;
      case 'frame.close': {
        const f = this.#frames.get(c.id);
        this.#frames.delete(c.id);
        f?.close();
        return undefined;
      }
      case 'timer.set': {
        const id = c.id as number;
        const generation = this.#generation;
        const handle = scheduler.set(
          () => {
            if (generation !== this.#generation || !this.#worker) return;
            const t = this.#timers.get(id);
            if (t && !t.repeat) this.#timers.delete(id);
            this.command({ cmd: 'timer', id });
          },
          c.ms,
          c.repeat,
        );
        this.#timers.set(id, { handle, repeat: (c.repeat ?? 0) > 0 });
        return undefined;
      }
      case 'timer.schedule': {
        const t = this.#timers.get(c.id);
        if (!t) throw new Error(`xs bridge: no timer #${c.id}`);
        scheduler.schedule(t.handle, c.ms, c.repeat);
        t.repeat = (c.repeat ?? 0) > 0;
        return undefined;
      }
      case 'timer.clear': {
        const t = this.#timers.get(c.id);
        this.#timers.delete(c.id);
        if (t) scheduler.clear(t.handle);
        return undefined;
      }
      case 'timer.delay':
        scheduler.clock.advance(Math.max(0, c.ms));
        return scheduler.now();
      case 'time.set':
        scheduler.systemClock = { mono: scheduler.now(), wall: c.seconds * 1000 };
        return undefined;
      case 'card.poll':
        return this.#card().poll();
      case 'card.info':
        return this.#card().info;
      case 'card.queue': {
        const q = this.#card().queue;
        return { capacity: q.capacity, used: q.used, peak: q.peak, flushesQueued: q.flushesQueued, flushesDone: q.flushesDone };
      }
      case 'card.root': {
        const root = this.#card().root;
        return root ? this.#storage!.addDirectory(root) : null;
      }
      case 'card.fault':
        return this.#card().fault ?? null;
      default:
        throw new Error(`xs bridge: unknown operation ${JSON.stringify(c.op)}`);
    }
  }
}

// ---- scenarios (host-sim/scenario/run.ts, with the firmware in XS)

export interface XsSimOptions {
  seed: number;
  /** Cut power at this flash operation (counted from the first power-on), then power on again. */
  cutAtOp?: number;
  /** Echo the firmware's print() output. */
  echo?: boolean;
}

export interface XsSimReport extends Omit<SimReport, 'engine'> {
  engine: 'xs';
  xs: XsStats;
}

export interface XsSimResult {
  image: Uint8Array;
  report: XsSimReport;
  verify: VerifyReport;
  device: XsDevice;
}

/** runScenario with the firmware in the XS engine: the same result shape (engine "xs", plus the XS meter). */
export function runScenarioXs(s: Scenario, options: XsSimOptions): XsSimResult {
  const dev = new XsDevice(scenarioDeviceOptions(s, options));
  dev.echo = options.echo ?? false;
  try {
    const sealedAt = driveScenario(dev, s);
    const run = reportRun(s, options, dev.sim, sealedAt, 'xs');
    return { ...run, device: dev, report: { ...run.report, engine: 'xs', xs: dev.meter() } };
  } finally {
    dev.close();
  }
}
