// Drives a scenario's timeline on a simulated device, whichever engine runs its firmware
// (Node in-process, or the real XS engine): the same events, power cuts ridden through the
// same way, so the two engines can be compared byte for byte.
import { simStoreKey } from '../keys/sim-store-key';
import type { Provisioning } from '../../firmware/core/maintenance/provisioning';
import type { SimDevice, SimDeviceOptions } from '../device/sim-device';
import { PowerCut } from '../flash/nor';
import type { Scenario, ScenarioEvent } from './types';

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

/** Recorder calls a scenario makes (as the officer's or technician's actions). */
export type RecorderCall = 'assignOfficer' | 'interrupt' | 'tagCase' | 'setContinuous' | 'requestDeletion';

/** What the driver needs of a device: the simulated hardware, power, and the firmware's recorder. */
export interface ScenarioDevice {
  readonly sim: SimDevice;
  readonly running: boolean;
  /** Called when the firmware renames a file (a sealed entry moving into place). */
  onMove: ((to: string) => void) | undefined;
  powerOn(): void;
  cutPower(): void;
  switchOff(): void;
  /** A call on the running firmware's recorder; nothing when the device is off. */
  recorder(method: RecorderCall, ...args: unknown[]): void;
}

/** The simulated device a scenario describes. */
export function scenarioDeviceOptions(s: Scenario, options: { seed: number; cutAtOp?: number; provisioning?: Provisioning }): SimDeviceOptions {
  return {
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
    cardSectors: s.device.card ? s.device.card.sizeMiB * 2048 : undefined,
    storeContentKey: s.device.encryption ? simStoreKey(options.seed).publicHex : undefined,
  };
}

/** The firmware in this Node process (firmware/main.ts on SimDevice). */
export class NodeScenarioDevice implements ScenarioDevice {
  readonly sim: SimDevice;

  constructor(sim: SimDevice) {
    this.sim = sim;
  }

  get running(): boolean {
    return this.sim.firmware !== undefined;
  }

  get onMove() {
    return this.sim.onMove;
  }

  set onMove(f) {
    this.sim.onMove = f;
  }

  powerOn(): void {
    this.sim.powerOn();
  }

  cutPower(): void {
    this.sim.cutPower();
  }

  switchOff(): void {
    this.sim.switchOff();
  }

  recorder(method: RecorderCall, ...args: unknown[]): void {
    const r = this.sim.firmware?.recorder as unknown as Record<RecorderCall, (...a: unknown[]) => void> | undefined;
    r?.[method](...args);
  }
}

/**
 * Powers the device on, runs the timeline (riding through injected power cuts: 5 s off,
 * then on again) and leaves the volume readable. Returns the flash operation at which each
 * sealed entry moved into place.
 */
export function driveScenario(dev: ScenarioDevice, s: Scenario): Map<string, number> {
  const sim = dev.sim;
  const sealedAt = new Map<string, number>();
  dev.onMove = (to) => sealedAt.set(to, sim.nor.counters.opIndex);
  const recover = () => {
    dev.cutPower();
    sim.scheduler.runUntil(sim.scheduler.now() + 5000);
    guarded(() => dev.powerOn());
  };
  const guarded = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!isPowerCut(e)) throw e;
      recover();
    }
  };
  const runUntil = (t: number) => {
    for (;;) {
      try {
        sim.runUntil(t);
        return;
      } catch (e) {
        if (!isPowerCut(e)) throw e;
        recover();
      }
    }
  };

  guarded(() => {
    dev.powerOn();
    if (s.officer) dev.recorder('assignOfficer', s.officer.name, s.officer.certificate, s.officer.unit, 'provisioning');
  });
  for (const e of s.timeline) {
    runUntil(e.at);
    guarded(() => apply(dev, e, runUntil));
  }
  if (!sim.lfs) dev.powerOn(), dev.switchOff();
  return sealedAt;
}

function apply(dev: ScenarioDevice, e: ScenarioEvent, runUntil: (t: number) => void): void {
  const sim = dev.sim;
  switch (e.do) {
    case 'press':
      sim.press(e.button, PRESS_MS[e.gesture]);
      return;
    case 'interrupt':
      dev.recorder('interrupt', e.reason, e.detail);
      return;
    case 'camera-fault':
      sim.camera.fault = e.on ? 'error' : 'none';
      return;
    case 'microphone-fault':
      sim.microphone.fault = e.on ? 'error' : 'none';
      return;
    case 'speaker-fault':
      sim.speaker.fault = e.on ? 'error' : 'none';
      return;
    case 'gnss-loss':
      return; // scheduled in the receiver model from the start (fixLossIntervals)
    case 'battery':
      sim.battery.setCharge(e.percent / 100);
      return;
    case 'power-cut':
      dev.cutPower();
      runUntil(sim.scheduler.now() + e.offMs);
      dev.powerOn();
      return;
    case 'case':
      dev.recorder('tagCase', e.caseNumber, e.kind, e.stage);
      return;
    case 'continuous':
      dev.recorder('setContinuous', e.on, 'technician');
      return;
    case 'delete':
      dev.recorder('requestDeletion', e.target, 'maintenance', 'technician');
      return;
    case 'switch-off':
    case 'end':
      dev.switchOff();
      return;
    case 'switch-on':
      if (!dev.running) dev.powerOn();
      return;
    case 'card-pull':
      sim.pullCard();
      return;
    case 'card-insert':
      sim.insertCard(e.card);
      return;
  }
}
