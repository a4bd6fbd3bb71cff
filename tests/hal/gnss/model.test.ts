// The GNSS receiver model on its own: what it puts on the line, when, and how deterministically.
import { SimBoard } from '../../../host-sim/board/sim-board';
import { GnssReceiver, type GnssReceiverOptions } from '../../../host-sim/models/gnss-receiver';

const TRACK = [{ t: 0, lat: 22.5431, lon: 114.0579, alt: 20, speed: 3, heading: 45 }];

function capture(options: Partial<GnssReceiverOptions>, ms: number) {
  const board = new SimBoard();
  const model = new GnssReceiver({ scheduler: board.scheduler, track: TRACK, ...options });
  const chunks: { at: number; bytes: Uint8Array }[] = [];
  model.toDevice = (bytes) => chunks.push({ at: board.scheduler.now(), bytes });
  board.scheduler.runFor(ms);
  const text = chunks.map((c) => String.fromCharCode(...c.bytes)).join('');
  return { board, model, chunks, text, lines: text.split('\r\n').filter(Boolean) };
}

function valid(line: string): boolean {
  const m = /^\$([^*]+)\*([0-9A-F]{2})$/.exec(line);
  if (!m) return false;
  let x = 0;
  for (const c of m[1]) x ^= c.charCodeAt(0);
  return x === parseInt(m[2], 16);
}

test.each([
  ['ublox', {}, ['GNRMC', 'GNVTG', 'GNGGA', 'GNGSA', 'GPGSV', 'GAGSV', 'GBGSV']],
  ['quectel', { profile: 'quectel' as const }, ['GNGGA', 'GNGSA', 'GPGSV', 'BDGSV', 'GNRMC', 'GNVTG']],
  ['GPS only', { satellites: { GPS: 10 } }, ['GPRMC', 'GPVTG', 'GPGGA', 'GPGSA', 'GPGSV']],
])('%s: talkers and order as the receiver family writes them; every line ≤ 82 characters with a valid checksum', (_, options, addresses) => {
  const { lines } = capture(options, 5_000);
  expect(lines.length).toBeGreaterThan(20);
  for (const l of lines) {
    expect(valid(l)).toBe(true);
    expect(l.length + 2).toBeLessThanOrEqual(82);
  }
  const first = [...new Set(lines.map((l) => l.slice(1, 6)))];
  expect(first).toEqual(addresses);
});

test('bytes are paced at the baud rate, starting just after each UTC second', () => {
  const { chunks, board } = capture({}, 10_000);
  const wall0 = board.scheduler.clock.wall()! - board.scheduler.now();
  // No millisecond carries more than one 9600-baud byte-time's worth (0.96 → at most 1 byte).
  expect(Math.max(...chunks.map((c) => c.bytes.length))).toBe(1);
  const perSecond = new Map<number, number>();
  for (const c of chunks) {
    const second = Math.floor((wall0 + c.at) / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    expect((wall0 + c.at) % 1000).toBeGreaterThan(60);
  }
  for (const n of perSecond.values()) expect(n).toBeLessThanOrEqual(960);
  // An epoch takes most of a second to send at 9600 baud.
  expect(Math.max(...perSecond.values())).toBeGreaterThan(500);
});

test('deterministic: the same seed gives the same bytes; another seed other noise', () => {
  const faults = { seed: 3, positionNoise: 4, garbage: 0.1, checksumErrors: 0.1, truncation: 0.1 };
  const a = capture({ faults }, 5_000).text;
  expect(capture({ faults }, 5_000).text).toBe(a);
  expect(capture({ faults: { ...faults, seed: 4 } }, 5_000).text).not.toBe(a);
});

test('cold start: no time and no fix for the first half, then time without a fix, then the fix', () => {
  const { lines } = capture({ faults: { coldStart: 6_000 } }, 9_000);
  const rmc = lines.filter((l) => l.startsWith('$GNRMC')).map((l) => l.split(','));
  expect(rmc.map((f) => (f[1] === '' ? '-' : f[2]))).toEqual(['-', '-', 'V', 'V', 'V', 'A', 'A', 'A', 'A'].slice(0, rmc.length));
});

test('a power cut (timers gone) followed by the port opening restarts the receiver hot', () => {
  const { board, model, chunks } = capture({}, 3_000);
  board.scheduler.clearAll();
  board.scheduler.runFor(5_000);
  const n = chunks.length;
  model.connected(true);
  board.scheduler.runFor(3_000);
  expect(chunks.length).toBeGreaterThan(n + 1000);
  expect(model.history.at(-1)!.fix).toBe(true);
});
