// The long run itself, in a Node process of its own started with --expose-gc by
// tests/support/long-run.ts (bundled with esbuild like the CLI): jest runs tests in a vm
// context where every global lookup (Math.imul in a noise hash, 16,000 times a simulated
// second) is tens of times slower, and its own heap would blur the figure measured.
// argv[2]: the options as JSON; stdout: the LongRunResult as JSON.
import { verifyChain } from '../../firmware/core/evidence';
import { SimDevice } from '../../host-sim/device/sim-device';
import { XsDevice } from '../../host-sim/xs/device-host';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import type { LongRunOptions, LongRunResult, MemorySample } from './long-run';

const exposed = (globalThis as { gc?: () => void }).gc;
if (!exposed) throw new Error('long-run-child: run node with --expose-gc');
const gc: () => void = exposed;

/** The device with its firmware in Node or in the XS engine: what the run drives and reads. */
interface Engine {
  sim: SimDevice;
  powerOn(): void;
  switchOff(): void;
  state(): string;
  /** After a full collection: the firmware's structures, and in XS its live heap. */
  memory(): Pick<MemorySample, 'state' | 'preEvent' | 'openEntry' | 'xs'>;
  close(): void;
}

function nodeEngine(sim: SimDevice): Engine {
  return {
    sim,
    powerOn: () => void sim.powerOn(),
    switchOff: () => sim.switchOff(),
    state: () => sim.firmware!.recorder.state,
    memory: () => {
      const fw = sim.firmware!;
      return { state: fw.recorder.state, preEvent: fw.recorder.preEvent, openEntry: fw.store.openEntry?.bytes };
    },
    close: () => {},
  };
}

function xsEngine(dev: XsDevice): Engine {
  return {
    sim: dev.sim,
    powerOn: () => dev.powerOn(),
    switchOff: () => dev.switchOff(),
    state: () => dev.state()!.state,
    memory: () => {
      const m = dev.memory();
      return { state: m.state, preEvent: m.preEvent, openEntry: m.openEntry, xs: { slots: m.slots, allocate: m.allocate } };
    },
    close: () => dev.close(),
  };
}

function run(options: LongRunOptions): LongRunResult {
  const MIN = 60_000;
  const cpu0 = process.cpuUsage();
  const deviceOptions = { deviceId: 'QC-LONG-001', blockCount: 4096, preEventMs: 30_000, start: Date.parse('2026-11-26T07:00:00+08:00'), seed: options.seed };
  const e = options.engine === 'xs' ? xsEngine(new XsDevice(deviceOptions)) : nodeEngine(new SimDevice(deviceOptions));
  const dev = e.sim;
  e.powerOn();
  const events: { at: number; run: () => void }[] = [];
  for (const m of options.recordAt) {
    events.push({ at: m * MIN, run: () => dev.press('record', 150) });
    // 40 s later the officer ends it: a short press if recording, a long one if interrupted.
    events.push({ at: m * MIN + 40_000, run: () => dev.press('record', e.state() === 'recording' ? 150 : 1800) });
  }
  for (let m = options.sampleEvery; m <= options.minutes; m += options.sampleEvery) events.push({ at: m * MIN, run: () => sample() });
  for (let h = 1; h * 60 <= options.minutes; h++) events.push({ at: h * 60 * MIN, run: () => dev.battery.setCharge(1) });
  events.sort((a, b) => a.at - b.at);

  const samples: MemorySample[] = [];
  const sample = () => {
    const now = dev.scheduler.now();
    // The host's observation logs grow by design (every blink, every block played): not the device's.
    dev.led.forgetBefore(now);
    dev.vibration.forgetBefore(now);
    dev.speaker.forgetBefore(now);
    const fw = e.memory();
    gc();
    gc();
    const m = process.memoryUsage();
    samples.push({ at: now, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, retained: m.heapUsed + m.arrayBuffers, ...fw, timers: dev.scheduler.pending });
  };

  try {
    for (const ev of events) {
      dev.runUntil(ev.at);
      ev.run();
    }
    e.switchOff();
  } finally {
    e.close();
  }
  const v = verifyChain(readVolumeFiles(dev.lfs!, (p) => p.startsWith('ev/') || p.startsWith('open/')), { checker: nodeChecker, deviceKey: dev.signer.publicKey });
  const cpu = process.cpuUsage(cpu0);
  return { samples, problems: v.problems, recordings: v.compliance.recordings, cpuMs: Math.round((cpu.user + cpu.system) / 1000), frames: dev.camera.encoded };
}

process.stdout.write(JSON.stringify(run(JSON.parse(process.argv[2]) as LongRunOptions)));
