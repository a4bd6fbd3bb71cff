// Power cut at flash operation N, torn programs on: after power comes back the volume
// mounts, the chain verifies, sealed entries are untouched, the open entry kept all but
// the flush window, the boot says power loss, and recording continues with no gap.
import { cutAndCheck, reference } from '../support/store-sweep';
import { Random } from '../../host-sim/random';

const DEEP = process.env.QUANCHENG_DEEP === '1';
const SAMPLE = 200;

describe('evidence store power-cut sweep', () => {
  const ref = reference();

  test('the reference workload seals several entries over many flash operations', () => {
    expect(ref.sealed.length).toBeGreaterThanOrEqual(5);
    expect(ref.totalOps).toBeGreaterThan(SAMPLE);
  });

  test(`cut at ${DEEP ? 'every operation' : `a seeded sample of ${SAMPLE} operations`} (torn programs)`, () => {
    const rnd = new Random(20261126);
    const ops = DEEP
      ? Array.from({ length: ref.totalOps }, (_, i) => i)
      : [...new Set(Array.from({ length: SAMPLE * 3 }, () => rnd.int(ref.totalOps)))].slice(0, SAMPLE);
    if (!DEEP) expect(ops.length).toBe(SAMPLE);
    const failures: string[] = [];
    let recovered = 0;
    for (const at of ops) {
      const r = cutAndCheck(ref, at);
      failures.push(...r.failures);
      recovered += r.recoveredRecords;
    }
    expect(failures.slice(0, 20)).toEqual([]);
    // The sweep exercised recovery of open entries, not only clean cuts between them.
    expect(recovered).toBeGreaterThan(0);
  });

  test(`cut with out-of-order block writes at ${DEEP ? 'every operation' : 'a seeded sample of 40 operations'}`, () => {
    const rnd = new Random(7);
    const ops = DEEP ? Array.from({ length: ref.totalOps }, (_, i) => i) : Array.from({ length: 40 }, () => rnd.int(ref.totalOps));
    const failures = ops.flatMap((at) => cutAndCheck(ref, at, { torn: true, reorder: true }).failures);
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
