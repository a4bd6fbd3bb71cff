// The whole firmware (firmware/main.ts with hal/ and firmware/core/) in the real XS engine, on
// the same simulated board as the Node simulator: every device module crosses to the host
// (host-sim/xs/device-host.ts). The same scenario and seed give the same flash image, byte for
// byte, and the same chain head as runScenario in Node; a power cut mid-recording kills the
// worker (RAM lost) and the next boot, in a fresh worker, recovers on the same flash.
import { verifyChain } from '../../firmware/core/evidence';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { parseScenario } from '../../host-sim/scenario/load';
import { runScenario, type SimResult } from '../../host-sim/scenario/run';
import { runScenarioXs, XsDevice, type XsSimResult } from '../../host-sim/xs/device-host';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { SHORT } from './short-scenario';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Everything the two engines must agree on. */
function expectSame(xs: XsSimResult, node: SimResult): void {
  expect(xs.report.head).toEqual(node.report.head);
  expect(xs.report.entries).toEqual(node.report.entries);
  expect(xs.report.flash).toEqual(node.report.flash);
  expect(xs.report.virtualMs).toBe(node.report.virtualMs);
  expect(xs.report.powerCuts).toBe(node.report.powerCuts);
  expect(sameBytes(xs.image, node.image)).toBe(true);
  // The chain in XS's image verifies on its own (read back from the XS run's volume).
  const files = readVolumeFiles(xs.device.sim.lfs!, (p) => p.startsWith('ev/') || p.startsWith('open/'));
  expect(verifyChain(files, { checker: nodeChecker, deviceKey: xs.device.sim.signer.publicKey }).ok).toBe(true);
  expect(xs.verify.ok).toBe(true);
}

const log = (what: string, r: XsSimResult, ms: number) =>
  // eslint-disable-next-line no-console
  console.log(`${what}: ${ms} ms wall; XS ${JSON.stringify(r.report.xs)}`);

describe('the whole firmware in XS', () => {
  let cached: SimResult | undefined;
  const nodeShort = () => (cached ??= runScenario(SHORT, { seed: 1 }));

  test('a short recording with a mark: the same flash image and chain head as Node; the meter is deterministic', () => {
    const node = nodeShort();
    expect(node.verify.ok).toBe(true);
    // The recording is there: the officer entry and one recording of about a megabyte.
    expect(node.report.entries.length).toBe(2);
    expect(node.report.entries[1].size).toBeGreaterThan(500_000);

    const t0 = Date.now();
    const xs = runScenarioXs(SHORT, { seed: 1 });
    log('xs-short', xs, Date.now() - t0);
    expect(xs.report.engine).toBe('xs');
    expectSame(xs, node);
    expect(xs.report.xs.boots).toBe(1);
    expect(xs.report.xs.compute).toBeGreaterThan(1_000_000);

    const again = runScenarioXs(SHORT, { seed: 1 });
    expect(again.report.xs).toEqual(xs.report.xs);
  });

  test('a power cut at a flash operation mid-recording: the worker dies, a fresh one recovers, same image as Node', () => {
    const node = nodeShort();
    const cutAtOp = Math.floor(node.report.flash.opIndex / 2);
    const nodeCut = runScenario(SHORT, { seed: 1, cutAtOp });
    expect(nodeCut.report.powerCuts).toBe(1);
    const t0 = Date.now();
    const xs = runScenarioXs(SHORT, { seed: 1, cutAtOp });
    log(`xs-short cut at op ${cutAtOp}`, xs, Date.now() - t0);
    expect(xs.report.xs.boots).toBe(2);
    expectSame(xs, nodeCut);
  });

  test("a scenario's power-cut event mid-recording, then recording resumed", () => {
    const s = parseScenario(
      {
        name: 'xs-cut',
        description: 'Power cut while recording, resumed after.',
        device: { deviceId: 'QC-SIM-0002', blockCount: 512, preEventSeconds: 5, start: '2026-11-26T11:00:00+08:00' },
        officer: { name: '李明', certificate: '53032419001', unit: '罗平县市场监督管理局' },
        timeline: [
          { at: '00:00:02', do: 'press', button: 'record' },
          { at: '00:00:10', do: 'power-cut', off: '00:00:05' },
          { at: '00:00:18', do: 'press', button: 'record' },
          { at: '00:00:24', do: 'press', button: 'record' },
          { at: '00:00:26', do: 'end' },
        ],
      },
      'xs-cut',
    );
    const n = runScenario(s, { seed: 3 });
    const xs = runScenarioXs(s, { seed: 3 });
    expect(n.report.powerCuts).toBe(1);
    expectSame(xs, n);
  });

  test('the device driven directly: a button press starts a recording in XS; errors in XS cross as errors; a power cut loses RAM', () => {
    const dev = new XsDevice({ deviceId: 'QC-SIM-0003', blockCount: 256, preEventMs: 0, start: SHORT.device.start, seed: 5 });
    try {
      dev.powerOn();
      expect(dev.running).toBe(true);
      expect(dev.state()?.state).toBe('standby');
      dev.sim.runUntil(1000);
      dev.sim.press('record', 150);
      dev.sim.runUntil(3000);
      expect(dev.state()?.state).toBe('recording');
      expect(() => dev.recorder('noSuchMethod')).toThrow(TypeError);
      expect(() => dev.recorder('tagCase')).toThrow();
      dev.cutPower();
      expect(dev.running).toBe(false);
      expect(dev.state()).toBeNull();
      dev.sim.runUntil(5000);
      dev.powerOn();
      dev.sim.runUntil(6000);
      // The recording the cut broke off is an interruption the firmware found on the flash.
      expect(dev.state()?.state).toBe('interrupted');
      expect(dev.stats.boots).toBe(2);
    } finally {
      dev.close();
    }
  });
});
