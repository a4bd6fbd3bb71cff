// Power cuts during a VGA recording onto the card, at a seeded sample of the card's write
// commands and of the internal flash's operations (all of them in npm run test:deep): the
// chain verifies, no entry the checkpoint had taken is lost or changed, the open entry keeps
// everything older than the flush window plus the queue's lag, and recording goes on.
import { Random } from '../../host-sim/random';
import { CARD_NOR_TARGET, CARD_WRITE_TARGET, cutAndCheck, reference, type SweepTarget } from '../support/store-sweep';

const DEEP = process.env.QUANCHENG_DEEP === '1';
const SAMPLE = 30;

function sweep(target: SweepTarget, mode: { torn: boolean; reorder?: boolean }, seed: number) {
  const ref = reference(target);
  const rnd = new Random(seed);
  const ops = DEEP ? Array.from({ length: ref.totalOps }, (_, i) => i) : [...new Set(Array.from({ length: SAMPLE * 3 }, () => rnd.int(ref.totalOps)))].slice(0, SAMPLE);
  let recovered = 0;
  const failures: string[] = [];
  for (const at of ops) {
    const r = cutAndCheck(ref, at, mode);
    failures.push(...r.failures);
    recovered += r.recoveredRecords;
  }
  return { ref, failures, recovered };
}

describe('power cuts on a unit with a card', () => {
  test(`at ${DEEP ? 'every' : `a seeded sample of ${SAMPLE}`} card write${DEEP ? '' : 's'}, the sector in flight torn`, () => {
    const { ref, failures, recovered } = sweep(CARD_WRITE_TARGET, { torn: true }, 20261205);
    expect(ref.sealed.length).toBeGreaterThanOrEqual(5);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(recovered).toBeGreaterThan(0);
  });

  test(`at ${DEEP ? 'every' : `a seeded sample of ${SAMPLE}`} card write${DEEP ? '' : 's'}, the card's cache losing writes since its last sync`, () => {
    const { failures } = sweep(CARD_WRITE_TARGET, { torn: true, reorder: true }, 11);
    expect(failures.slice(0, 10)).toEqual([]);
  });

  test(`at ${DEEP ? 'every' : `a seeded sample of ${SAMPLE}`} internal flash operation${DEEP ? '' : 's'}`, () => {
    const { failures } = sweep(CARD_NOR_TARGET, { torn: true }, 5);
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
