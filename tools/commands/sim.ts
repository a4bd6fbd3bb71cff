// quancheng sim [--scenario NAME|FILE] [--seed N] [--cut-at OP] [--out DIR] [--json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinNames, resolveScenario } from '../../host-sim/scenario/builtin';
import { ScenarioError } from '../../host-sim/scenario/load';
import { runScenario } from '../../host-sim/scenario/run';
import { simStoreKey } from '../../host-sim/keys/sim-store-key';
import { serveDevice } from '../../host-sim/device/serve';
import type { SimDevice } from '../../host-sim/device/sim-device';
import { loadProvisionFile } from '../flash/provision-file';
import { runScenarioXs } from '../../host-sim/xs/device-host';
import type { Scenario } from '../../host-sim/scenario/types';
import { parseArgs } from '../args';
import { EXIT_OK, UsageError } from '../errors';
import type { Io } from '../io';
import { formatReport } from '../report/verify-text';

export const simUsage = 'quancheng sim [--scenario NAME|FILE] [--seed N] [--engine node|xs] [--cut-at OP] [--provision FILE [--store-public FILE|STOREDIR]] [--out DIR] [--json] [--serve SOCKET]';

function integer(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`sim: --${flag} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function runSim(argv: readonly string[], io: Io): number | Promise<number> {
  const args = parseArgs('sim', argv, { values: ['scenario', 'seed', 'engine', 'cut-at', 'out', 'serve', 'provision', 'store-public'], switches: ['json'], positionals: [] });
  const engine = args.values.get('engine') ?? 'node';
  if (engine !== 'node' && engine !== 'xs') throw new UsageError(`sim: --engine must be node or xs, got ${JSON.stringify(engine)}`);
  const name = args.values.get('scenario') ?? 'shift';
  let scenario: Scenario;
  try {
    scenario = resolveScenario(name);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(`sim: ${e.message}`);
    throw new UsageError(`sim: ${(e as Error).message}`);
  }
  const seed = integer(args.values.get('seed'), 'seed', 1);
  const cut = args.values.get('cut-at');
  const out = args.values.get('out') ?? join('out', `sim-${scenario.name}`);
  const provisionFile = args.values.get('provision');
  const serve = args.values.get('serve');
  if (serve !== undefined && engine !== 'node') throw new UsageError('sim: --serve runs the Node engine (the XS harness drives the firmware synchronously)');
  const options = { seed, cutAtOp: cut === undefined ? undefined : integer(cut, 'cut-at', 0), provisioning: provisionFile === undefined ? undefined : loadProvisionFile(provisionFile, 'sim', args.values.get('store-public')) };
  if (provisionFile === undefined && args.values.has('store-public')) throw new UsageError('sim: --store-public goes with --provision');
  // The same firmware, on Node or in the real XS engine, on the same simulated hardware.
  const result = engine === 'xs' ? runScenarioXs(scenario, options) : runScenario(scenario, options);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'flash.img'), result.image);
  // The card as a raw, sparse image (what `dd` of the card in a reader gives), beside the flash.
  // The simulated unit under either engine (the XS harness drives one too).
  const unit = ('sim' in result.device ? result.device.sim : result.device) as SimDevice;
  const card = unit.slot.card ?? unit.pulledCard;
  if (card) card.save(join(out, 'card.img'));
  writeFileSync(join(out, 'report.json'), JSON.stringify(result.report, null, 2) + '\n');
  // An encrypting unit's evidence opens only with the simulated store's content key, written as a store directory holds it.
  const storeKey = scenario.device.encryption && provisionFile === undefined ? simStoreKey(seed) : undefined;
  if (storeKey) {
    writeFileSync(join(out, 'content-key.pem'), storeKey.privatePem, { mode: 0o600 });
    writeFileSync(join(out, 'content-key.pub.pem'), storeKey.publicPem);
  }
  if (args.switches.has('json')) {
    io.out(JSON.stringify(result.report, null, 2) + '\n');
    return serve === undefined ? EXIT_OK : serveUntilStopped(result.device as SimDevice, serve, join(out, 'flash.img'), io);
  }
  const r = result.report;
  io.out(`scenario ${r.scenario} (seed ${r.seed}, ${r.engine}): ${(r.virtualMs / 60000).toFixed(1)} min simulated, ${r.entries.length} entries, ${r.powerCuts} power cut(s)\n`);
  if ('xs' in r) io.out(`xs: compute meter ${r.xs.compute} (${r.xs.commands} commands into XS, ${r.xs.calls} calls out, ${r.xs.boots} boot(s))\n`);
  io.out(`flash: ${r.flash.programs} programs, ${r.flash.erases} erases, ${(r.deviceTimeMs / 1000).toFixed(1)} s modeled busy time; image ${join(out, 'flash.img')}\n`);
  if (card) io.out(`card: ${card.counters.writes} writes, ${(card.counters.busyMs / 1000).toFixed(1)} s modeled busy time, ${card.counters.stalls} stalls; image ${join(out, 'card.img')} (sparse)\n`);
  if (storeKey) io.out(`encrypted to the simulated store's content key: ${join(out, 'content-key.pem')} (verify/export/extract --store-key ${out})\n`);
  // The verdict; `quancheng verify IMAGE` gives the full compliance view.
  io.out(formatReport(result.verify).split('\n')[0] + '\n');
  return serve === undefined ? EXIT_OK : serveUntilStopped(result.device as SimDevice, serve, join(out, 'flash.img'), io);
}

/** After the scenario: the device on again, its maintenance port on `socket` until SIGINT/SIGTERM; then an orderly power-down and the flash image rewritten. */
async function serveUntilStopped(dev: SimDevice, socket: string, image: string, io: Io): Promise<number> {
  dev.powerOn();
  let serving;
  try {
    serving = await serveDevice(dev, socket);
  } catch (e) {
    throw new UsageError(`sim: --serve ${socket}: ${(e as Error).message}`);
  }
  io.out(`serving the device's maintenance port on ${socket} (stop with Ctrl-C)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await serving.close();
  dev.switchOff();
  writeFileSync(image, dev.nor.snapshot());
  io.out(`stopped; flash image ${image}\n`);
  return EXIT_OK;
}

export { builtinNames };
