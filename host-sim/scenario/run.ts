// Runs a scenario on the simulated device and reports what the flash holds.
import { joinSplitEntries, parseEntry, toHex, verifyChain, type EntryFile, type VerifyReport } from '../../firmware/core/evidence';
import { nodeChecker } from '../crypt/node-checker';
import { SimDevice } from '../device/sim-device';
import { readVolumeFiles } from '../flash/volume-files';
import { cardEntryFiles, isEvidencePath } from '../card/card-files';
import type { Scenario } from './types';
import { driveScenario, NodeScenarioDevice, scenarioDeviceOptions } from './drive';
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

export function runScenario(s: Scenario, options: SimOptions): SimResult {
  const dev = new SimDevice(scenarioDeviceOptions(s, options));
  const sealedAt = driveScenario(new NodeScenarioDevice(dev), s);
  return { ...reportRun(s, options, dev, sealedAt, 'node'), device: dev };
}

/** What a finished run left on the flash, verified: shared by the Node and the XS engine. */
export function reportRun(s: Scenario, options: SimOptions, dev: SimDevice, sealedAt: ReadonlyMap<string, number>, engine: 'node' | 'xs'): { image: Uint8Array; verify: VerifyReport; report: SimReport } {
  // The unit's card (in the slot, or pulled out and not put back) holds its media entries.
  const card = dev.slot.card ?? dev.pulledCard;
  const files = joinSplitEntries([...readVolumeFiles(dev.lfs!, isEvidencePath), ...(card ? cardEntryFiles(card) : [])]).files as EntryFile[];
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
