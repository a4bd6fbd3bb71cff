// Half an hour of the 12-hour shift (tests/device/long-shift.test.ts, test:deep) in the default
// suite: standby with the pre-event buffer, one recording, the chain verified, and the memory
// kept after the recording no larger at the end than the bound the shift is held to.
import { describe as table, growthFrom, longRun } from '../support/long-run';

test('half an hour: memory flat after the recording, the chain verifies', () => {
  const run = longRun({ seed: 5, minutes: 30, recordAt: [10], sampleEvery: 5 });
  const g = growthFrom(run.samples, 15 * 60_000);
  expect(run.problems).toEqual([]);
  const [rec, ...more] = run.recordings;
  expect(more).toEqual([]);
  expect(rec.interruptions).toEqual([]);
  expect(rec.stop?.cause).toBe('officer');
  expect(rec.frames).toBeGreaterThanOrEqual(200);
  expect(run.samples.length).toBe(6);
  if (g.growth > 0.05 || g.max - g.base > 1 << 20) console.log(table(run));
  expect(g.growth).toBeLessThanOrEqual(0.05);
  expect(g.max - g.base).toBeLessThanOrEqual(1 << 20);
  for (const s of run.samples.filter((x) => x.at >= 15 * 60_000)) {
    expect(s.state).toBe('standby');
    expect(s.preEvent.bytes).toBeGreaterThan(1_000_000);
    expect(s.preEvent.bytes).toBeLessThanOrEqual(30 * 50 * 1024);
  }
});
