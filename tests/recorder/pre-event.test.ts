import { PreEventBuffer } from '../../firmware/core/recorder/pre-event';

const frame = (at: number, size = 1000) => ({ kind: 'frame' as const, at, frame: at, width: 320, height: 240, image: new Uint8Array(size) });

test('keeps only the window, oldest first, however long the device idles', () => {
  const b = new PreEventBuffer(30_000, 10 << 20);
  for (let t = 0; t <= 12 * 3600_000; t += 333) b.push(frame(t), t);
  expect(b.length).toBeLessThanOrEqual(92);
  const items = b.drain(12 * 3600_000);
  expect(items[0].at).toBeGreaterThanOrEqual(12 * 3600_000 - 30_000);
  expect(items.map((i) => i.at)).toEqual([...items.map((i) => i.at)].sort((a, c) => a - c));
  expect(b.length).toBe(0);
});

test('and never more bytes than its bound, dropping the oldest', () => {
  const b = new PreEventBuffer(120_000, 50_000);
  for (let t = 0; t < 60_000; t += 100) b.push(frame(t, 4000), t);
  expect(b.bytes).toBeLessThanOrEqual(50_000);
  expect(b.drain(60_000).at(-1)!.at).toBe(59_900);
});

test('a zero window keeps nothing; a window over 120 s is refused', () => {
  const b = new PreEventBuffer(0, 1000);
  b.push(frame(0), 0);
  expect(b.length).toBe(0);
  expect(() => new PreEventBuffer(121_000, 1000)).toThrow(/0-120 s/);
});
