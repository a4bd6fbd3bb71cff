// A whole 12-hour shift on the simulated device (npm run test:deep; ~2 min on the 2-core host,
// figures in docs/PERFORMANCE.md): standby all day with the pre-event buffer, GNSS and the
// battery running, a recording attempted 20 minutes past every hour until the storage is full,
// then refused by a storage-full interruption each time. The chain verifies, and the memory
// kept does not grow from hour 2 to hour 12. The default suite runs half an hour of the same
// (long-run.test.ts).
import { describe as table, growthFrom, longRun } from '../support/long-run';

const DEEP = process.env.QUANCHENG_DEEP === '1';
const HOUR = 3600_000;

(DEEP ? test : test.skip)('a 12-hour shift: memory bounded from hour 2 to hour 12, the chain verifies', () => {
  const run = longRun({ seed: 12, minutes: 12 * 60, recordAt: Array.from({ length: 12 }, (_, h) => h * 60 + 20), sampleEvery: 60 });
  const g = growthFrom(run.samples, 2 * HOUR);
  console.log(`12-hour shift: ${run.frames} frames, host CPU ${(run.cpuMs / 1000).toFixed(0)} s, wall ${(run.wallMs / 1000).toFixed(0)} s; retained growth hour 2 → 12: ${(g.growth * 100).toFixed(2)} % (${g.base} → max ${g.max} bytes)\n${table(run)}`);

  expect(run.problems).toEqual([]);
  const recs = run.recordings;
  expect(recs.map((r) => r.recording)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  // The first recordings fit (the 16 MB partition holds ~5 min: 3 or 4 of 70 s with the pre-event)...
  const complete = recs.filter((r) => r.interruptions.length === 0);
  expect(complete.length).toBeGreaterThanOrEqual(3);
  expect(complete.map((r) => r.recording)).toEqual(recs.slice(0, complete.length).map((r) => r.recording));
  for (const r of complete) {
    expect(r.stop?.cause).toBe('officer');
    expect(r.notice?.outcome).toBe('played');
    expect(r.frames).toBeGreaterThanOrEqual(200); // 30 s of pre-event and 40 s at 3 fps
  }
  // ...then every one is cut by the full storage, nothing overwritten.
  for (const r of recs.slice(complete.length)) {
    expect(r.interruptions.length).toBeGreaterThan(0);
    expect(new Set(r.interruptions.map((i) => i.reason))).toEqual(new Set(['storage-full']));
  }

  // Memory: one sample an hour, all in standby.
  expect(run.samples.map((s) => s.at / HOUR)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  // At most 5 %, and at most 1 MiB in all: less than the pre-event buffer itself (~1.4 MB);
  // keeping one frame a minute (~5 KB) would add ~3 MB over these 10 hours.
  expect(g.growth).toBeLessThanOrEqual(0.05);
  expect(g.max - g.base).toBeLessThanOrEqual(1 << 20);
  for (const s of run.samples) {
    expect(s.state).toBe('standby');
    expect(s.openEntry).toBeUndefined();
    // The pre-event buffer is full (30 s of frames, audio and fixes) and no fuller.
    expect(s.preEvent.bytes).toBeGreaterThan(1_000_000);
    expect(s.preEvent.bytes).toBeLessThanOrEqual(30 * 50 * 1024);
    expect(s.timers).toBe(run.samples[0].timers);
  }
});

// The same day in the real XS engine, as the device runs the firmware, for two hours (a
// 12-hour run in XS takes ~11 min here: every IO callback crosses the worker's pipe, ~70 a
// simulated second; measured once, docs/PERFORMANCE.md). The figure is the XS meter's live
// slots after gc(): the firmware's own heap, nothing of the host's. Within an hour they swing
// by ~10 % with what the firmware holds at that moment, the same at the same minute of each
// hour; so each sample is compared with the one an hour earlier.
(DEEP ? test : test.skip)('two hours with the firmware in XS: its live heap an hour later is the same', () => {
  const run = longRun({ seed: 12, minutes: 120, recordAt: [20, 80], sampleEvery: 15, engine: 'xs' });
  const hourly = run.samples.filter((s) => s.at > HOUR).map((s) => {
    const before = run.samples.find((b) => b.at === s.at - HOUR)!;
    return { at: s.at, slots: s.xs!.slots / before.xs!.slots - 1, allocate: s.xs!.allocate / before.xs!.allocate - 1 };
  });
  console.log(`2 hours in XS: wall ${(run.wallMs / 1000).toFixed(0)} s; live slots against an hour earlier: ${hourly.map((h) => (h.slots * 100).toFixed(2) + ' %').join(', ')}\n${table(run)}`);

  expect(run.problems).toEqual([]);
  expect(run.recordings.map((r) => [r.recording, r.interruptions.length, r.stop?.cause])).toEqual([
    [1, 0, 'officer'],
    [2, 0, 'officer'],
  ]);
  expect(run.samples).toHaveLength(8);
  expect(hourly).toHaveLength(4);
  for (const s of run.samples) expect(s.state).toBe('standby');
  // One recording more than an hour earlier, nothing else: within 1 % (measured +0.3 %).
  for (const h of hourly) {
    expect(h.slots).toBeLessThanOrEqual(0.01);
    expect(h.allocate).toBeLessThanOrEqual(0.01);
  }
});
