// The firmware's evidence store in the real XS engine (xsnap-worker), bridged to the host's
// NOR flash + littlefs, digest and device key: the same workload gives the same flash image,
// byte for byte, as in Node; a power cut during the XS run recovers to a chain that verifies.
import { verifyChain } from '../../firmware/core/evidence';
import { StorageRig, type RigOptions } from '../../host-sim/storage/rig';
import { StepRunner, sweepSteps, type Step } from '../../host-sim/xs/steps';
import { XsStoreHost } from '../../host-sim/xs/store-host';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { SWEEP_RIG, workload } from '../support/store-sweep';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** The Node run of the same steps (the interpreter XS runs too). */
function nodeRun(rig: StorageRig, steps: Step[]): { done: number; error?: unknown } {
  const runner = new StepRunner(rig.store, rig.clock);
  let done = 0;
  try {
    for (const s of steps) {
      runner.run(s);
      done++;
    }
  } catch (error) {
    return { done, error };
  }
  return { done };
}

const RECORD_ON: Step[] = [{ op: 'beginRecording', recording: 2 }, { op: 'stream', stream: 2, seed: 9, ms: 2000 }, { op: 'endRecording' }, { op: 'shutdown' }];

describe('evidence store in XS', () => {
  const hosts: XsStoreHost[] = [];
  afterAll(() => hosts.forEach((h) => h.close()));
  const start = async (o: RigOptions) => {
    const h = await XsStoreHost.start(o);
    hosts.push(h);
    return h;
  };

  test('the storage workload gives a flash image byte-identical to Node, and the same chain head', async () => {
    // Node: store-sweep's workload itself, and the same workload as steps.
    const sweep = new StorageRig(SWEEP_RIG);
    workload(sweep);
    const viaSteps = new StorageRig(SWEEP_RIG);
    expect(nodeRun(viaSteps, sweepSteps())).toEqual({ done: sweepSteps().length });
    expect(sameBytes(viaSteps.nor.snapshot(), sweep.nor.snapshot())).toBe(true);

    // XS.
    const xs = await start(SWEEP_RIG);
    const openCompute = xs.compute;
    const r = await xs.steps(sweepSteps());
    expect(r.error).toBeUndefined();
    expect(r.done).toBe(sweepSteps().length);
    expect(r.head).toEqual({ nextSeq: sweep.store.head.nextSeq, link: hex(sweep.store.head.link) });
    expect(xs.nor.counters.opIndex).toBe(sweep.nor.counters.opIndex);
    expect(sameBytes(xs.nor.snapshot(), sweep.nor.snapshot())).toBe(true);
    expect(verifyChain(xs.entryFiles(), { checker: nodeChecker, deviceKey: xs.signer.publicKey }).ok).toBe(true);

    // The meter is deterministic: a second device, same workload, same count.
    const again = await start(SWEEP_RIG);
    expect(again.compute).toBe(openCompute);
    expect((await again.steps(sweepSteps())).meter.compute).toBe(r.meter.compute);

    const generation = await again.generationCompute(sweepSteps());
    expect(generation).toBeLessThan(r.meter.compute);
    console.log(
      `XS compute meter: boot (EvidenceStore.open) ${openCompute}, storage workload ${r.meter.compute}, ` +
        `of which generating the media ${generation} and the store with its bridge calls ${r.meter.compute - generation} ` +
        `(${sweep.store.entriesStored} entries, ${sweep.store.bytesStored} bytes sealed; ${xs.calls} bridge calls in all; ` +
        `heap ${r.meter.currentHeapCount} slots, ${r.meter.allocate} bytes allocated)`,
    );
  });

  // Cut points in the first boot's workload (operations counted from arming, as store-sweep counts).
  test.each([
    [40, 'early, in the first entries', false],
    [260, 'in the middle of the recording', true],
    [400, 'later in the recording', true],
  ])('power cut at flash operation %i (%s): power-on in XS recovers, verifies, records on, same image as Node', async (at, _where, keepsRecords) => {
    const opts: RigOptions = { ...SWEEP_RIG, seed: at + 1 };
    const cut = { atOp: at, torn: true, seed: at + 1 };

    const xs = await start(opts);
    xs.armPowerCut(cut);
    const r = await xs.steps(sweepSteps());
    expect(r.done).toBeLessThan(sweepSteps().length);
    // The cut crossed the bridge as data and came out of the firmware as an Error.
    expect(r.error).toBeInstanceOf(Error);
    const e = r.error as Error & { cause?: Error };
    expect([e.name, e.cause?.name]).toContain('PowerCut');

    const boot = await xs.powerOn();
    expect(boot.cause).toBe('power-loss');
    expect(boot.bootCount).toBe(2);
    // The open media entry was resealed on boot, with the records committed before the cut.
    expect(boot.recovered.map((x) => x.action)).toEqual(['resealed']);
    if (keepsRecords) expect(boot.recovered[0].records).toBeGreaterThan(0);
    const v = verifyChain(xs.entryFiles(), { checker: nodeChecker, deviceKey: xs.signer.publicKey });
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);

    const on = await xs.steps(RECORD_ON);
    expect(on.error).toBeUndefined();
    expect(verifyChain(xs.entryFiles(), { checker: nodeChecker, deviceKey: xs.signer.publicKey }).ok).toBe(true);

    // Node, the same cut.
    const rig = new StorageRig(opts);
    rig.armPowerCut(cut);
    expect(nodeRun(rig, sweepSteps()).done).toBe(r.done);
    rig.powerOn();
    expect(rig.store.boot).toEqual(boot);
    expect(nodeRun(rig, RECORD_ON)).toEqual({ done: RECORD_ON.length });
    expect(on.head).toEqual({ nextSeq: rig.store.head.nextSeq, link: hex(rig.store.head.link) });
    expect(sameBytes(xs.nor.snapshot(), rig.nor.snapshot())).toBe(true);
  });

  test('errors crossing the bridge come back as data and are caught inside XS', async () => {
    const xs = await start({ blockCount: 64 });
    const p = await xs.probe();
    expect(p.status).toEqual({ isError: true, name: 'Error', message: expect.stringContaining('LFS_ERR_NOENT'), code: 'LFS_ERR_NOENT' });
    expect(p.statusOf).toEqual({ returned: 'undefined' }); // firmware's files-util catches it
    expect(p.badPath).toMatchObject({ isError: true, message: expect.stringContaining('invalid path') });
    expect(p.readClosed).toMatchObject({ isError: true, message: 'file closed' });
    expect(p.deleteMissing).toEqual({ returned: false });
    expect(p.cleanup).toEqual({ returned: true });
  });
});
