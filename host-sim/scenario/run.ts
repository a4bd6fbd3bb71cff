// Runs a scenario on the simulated device and reports what the flash holds.
import { parseEntry, toHex, verifyChain, type VerifyReport } from '../../firmware/core/evidence';
import { nodeChecker } from '../../tools/crypto/node-checker';
import { SimDevice } from '../device/sim-device';
import { PowerCut } from '../flash/nor';
import { readVolumeFiles } from '../flash/volume-files';
import type { Scenario, ScenarioEvent } from './types';
import type { Provisioning } from '../../firmware/core/maintenance/provisioning';

export interface SimOptions {
  seed: number;
  /** Cut power at this flash operation (counted from the first power-on), then power on again. */
  cutAtOp?: number;
  /** Pre-loaded on the blank flash (as `quancheng flash` does); its device id replaces the scenario's. */
  provisioning?: Provisioning;
}

export interface SimReport {
  scenario: string;
  seed: number;
  engine: 'node' | 'xs';
  deviceId: string;
  head: { seq: number; hash: string } | null;
  entries: { seq: number; path: string; size: number; entryHash: string; link: string; sealedAtOp: number | null }[];
  /** Modeled NOR flash busy time, and every operation and byte counted. */
  deviceTimeMs: number;
  flash: Record<string, number>;
  powerCuts: number;
  virtualMs: number;
  verify: { ok: boolean; problems: VerifyReport['problems'] };
}

export interface SimResult {
  image: Uint8Array;
  report: SimReport;
  verify: VerifyReport;
  device: SimDevice;
}

/** How long a scripted press holds the button: a short press, and one past the 1.5 s long press. */
export const PRESS_MS = { short: 150, long: 1800 } as const;

/** Whether an error is (or was caused by) the flash losing power. */
export function isPowerCut(e: unknown): boolean {
  for (let x: unknown = e; x; x = (x as { cause?: unknown }).cause) if (x instanceof PowerCut) return true;
  return false;
}

/** The scenario's gnss-loss on/off events as intervals (ms from the start). */
export function fixLossIntervals(s: Scenario): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let from: number | undefined;
  for (const e of s.timeline) {
    if (e.do !== 'gnss-loss') continue;
    if (e.on && from === undefined) from = e.at;
    else if (!e.on && from !== undefined) {
      out.push({ from, to: e.at });
      from = undefined;
    }
  }
  if (from !== undefined) out.push({ from, to: Number.MAX_SAFE_INTEGER });
  return out;
}

export function runScenario(s: Scenario, options: SimOptions): SimResult {
  const dev = new SimDevice({
    track: s.device.track,
    gnss: { ...s.device.gnss, fixLoss: fixLossIntervals(s) },
    deviceId: options.provisioning ? undefined : s.device.deviceId,
    provisioning: options.provisioning,
    blockCount: s.device.blockCount,
    preEventMs: s.device.preEventSeconds * 1000,
    start: s.device.start,
    seed: options.seed,
    rtcLost: s.device.rtcLost,
    cutAtOp: options.cutAtOp,
  });
  const sealedAt = new Map<string, number>();
  dev.onMove = (to) => sealedAt.set(to, dev.nor.counters.opIndex);

  /** Runs the device until `t`, riding through an injected power cut. */
  const runUntil = (t: number) => {
    for (;;) {
      try {
        dev.runUntil(t);
        return;
      } catch (e) {
        if (!isPowerCut(e)) throw e;
        dev.cutPower();
        dev.scheduler.runUntil(dev.scheduler.now() + 5000);
        guarded(() => dev.powerOn());
      }
    }
  };
  const guarded = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!isPowerCut(e)) throw e;
      dev.cutPower();
      dev.scheduler.runUntil(dev.scheduler.now() + 5000);
      guarded(() => dev.powerOn());
    }
  };

  guarded(() => {
    const fw = dev.powerOn();
    if (s.officer) fw.recorder.assignOfficer(s.officer.name, s.officer.certificate, s.officer.unit, 'provisioning');
  });
  for (const e of s.timeline) {
    runUntil(e.at);
    guarded(() => apply(dev, e, runUntil));
  }

  if (!dev.lfs) dev.powerOn(), dev.switchOff();
  return { ...reportRun(s, options, dev, sealedAt, 'node'), device: dev };
}

/** What a finished run left on the flash, verified: shared by the Node and the XS engine. */
export function reportRun(s: Scenario, options: SimOptions, dev: SimDevice, sealedAt: ReadonlyMap<string, number>, engine: 'node' | 'xs'): { image: Uint8Array; verify: VerifyReport; report: SimReport } {
  const files = readVolumeFiles(dev.lfs!, (p) => p.startsWith('ev/') || p.startsWith('open/'));
  const verify = verifyChain(files, { checker: nodeChecker, deviceKey: dev.signer.publicKey });
  const entries = files
    .filter((f) => f.path.endsWith('.qce'))
    .map((f) => {
      const e = parseEntry(f.bytes);
      return { seq: e.header.seq, path: f.path, size: f.bytes.length, entryHash: toHex(e.seal.entryHash), link: toHex(e.seal.link), sealedAtOp: sealedAt.get(f.path) ?? null };
    });
  const c = dev.nor.counters;
  return {
    image: dev.nor.snapshot(),
    verify,
    report: {
      scenario: s.name,
      seed: options.seed,
      engine,
      deviceId: options.provisioning?.deviceId ?? s.device.deviceId,
      head: verify.head,
      entries,
      deviceTimeMs: c.timeMs,
      flash: { ...c },
      powerCuts: dev.powerCuts,
      virtualMs: dev.scheduler.now(),
      verify: { ok: verify.ok, problems: verify.problems },
    },
  };
}

function apply(dev: SimDevice, e: ScenarioEvent, runUntil: (t: number) => void): void {
  const fw = dev.firmware;
  switch (e.do) {
    case 'press':
      dev.press(e.button, PRESS_MS[e.gesture]);
      return;
    case 'interrupt':
      fw?.recorder.interrupt(e.reason, e.detail);
      return;
    case 'camera-fault':
      dev.camera.fault = e.on ? 'error' : 'none';
      return;
    case 'microphone-fault':
      dev.microphone.fault = e.on ? 'error' : 'none';
      return;
    case 'speaker-fault':
      dev.speaker.fault = e.on ? 'error' : 'none';
      return;
    case 'gnss-loss':
      return; // scheduled in the receiver model from the start (fixLossIntervals)
    case 'battery':
      dev.battery.setCharge(e.percent / 100);
      return;
    case 'power-cut':
      dev.cutPower();
      runUntil(dev.scheduler.now() + e.offMs);
      dev.powerOn();
      return;
    case 'case':
      fw?.recorder.tagCase(e.caseNumber, e.kind, e.stage);
      return;
    case 'continuous':
      fw?.recorder.setContinuous(e.on, 'technician');
      return;
    case 'delete':
      fw?.recorder.requestDeletion(e.target, 'maintenance', 'technician');
      return;
    case 'switch-off':
      dev.switchOff();
      return;
    case 'switch-on':
      if (!dev.firmware) dev.powerOn();
      return;
    case 'end':
      dev.switchOff();
      return;
  }
}
