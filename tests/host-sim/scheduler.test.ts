import { Scheduler } from '../../host-sim/time/scheduler';

test('timers run in due order, same-time ones in the order set; the clock jumps to each', () => {
  const s = new Scheduler();
  const seen: string[] = [];
  s.set(() => seen.push(`b@${s.now()}`), 20);
  s.set(() => seen.push(`a@${s.now()}`), 10);
  s.set(() => seen.push(`c@${s.now()}`), 20);
  const r = s.set(() => seen.push(`r@${s.now()}`), 15, 15);
  s.runUntil(50);
  expect(seen).toEqual(['a@10', 'r@15', 'b@20', 'c@20', 'r@30', 'r@45']);
  expect(s.now()).toBe(50);
  s.clear(r);
  s.runFor(100);
  expect(seen).toHaveLength(6);
  expect(s.pending).toBe(0);
});

test('a timer set from a callback, at zero delay, runs in the same run', () => {
  const s = new Scheduler();
  const seen: number[] = [];
  s.set(() => s.set(() => seen.push(s.now()), 0), 5);
  s.runFor(5);
  expect(seen).toEqual([5]);
});
