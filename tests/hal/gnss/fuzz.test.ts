// Seeded fuzz of the NMEA path: random bytes, mutated sentences (with the checksum made
// right again so the parser sees them), and random splitting into reads. Nothing throws,
// whatever is accepted is in range, and the assembler's state stays one bounded line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpochAssembler, summarize } from '../../../hal/gnss/epoch';
import { LineAssembler, MAX_SENTENCE, parseSentence, type Sentence } from '../../../hal/gnss/nmea';
import { Random } from '../../../host-sim/random';

const SEEDS = [1, 2, 3];
const samples = ['ublox-m8-multi.nmea', 'quectel-l76k-bd.nmea', 'gps-only-nmea23.nmea', 'no-fix.nmea'].flatMap((f) =>
  readFileSync(join(__dirname, 'fixtures', f), 'latin1')
    .split('\r\n')
    .filter(Boolean)
    .map((l) => l.slice(1, -3)),
);

function withChecksum(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return `$${body}*${x.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

const ALPHABET = '0123456789.,-+*$NSEWAVMT \x00\xff';

function mutate(body: string, r: Random): string {
  let s = body;
  for (let n = 1 + r.int(3); n > 0; n--) {
    const at = r.int(s.length + 1);
    switch (r.int(6)) {
      case 0: s = s.slice(0, at) + ALPHABET[r.int(ALPHABET.length)] + s.slice(at + 1); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1); break;
      case 2: s = s.slice(0, at) + ALPHABET[r.int(ALPHABET.length)] + s.slice(at); break;
      case 3: s = s.slice(0, at) + ','.repeat(1 + r.int(4)) + s.slice(at); break;
      case 4: s = s.slice(0, at) + s.slice(r.int(s.length)); break;
      default: s = s.replace(/\d/g, (d) => (r.chance(0.1) ? String(r.int(10)) : d));
    }
  }
  return s;
}

/** Every value a sentence carries is a finite number in its range (or absent). */
function checkRanges(s: Sentence): void {
  const finite = (v: number | undefined) => v === undefined || Number.isFinite(v);
  if (s.type === 'GGA' || s.type === 'RMC') {
    expect(s.latitude === undefined || Math.abs(s.latitude) <= 90).toBe(true);
    expect(s.longitude === undefined || Math.abs(s.longitude) <= 180).toBe(true);
    expect(s.time === undefined || (s.time >= 0 && s.time < 86_401_000)).toBe(true);
  }
  if (s.type === 'GGA') {
    expect(s.quality >= 0 && s.quality <= 8).toBe(true);
    expect([s.altitude, s.hdop, s.satellites, s.separation].every(finite)).toBe(true);
  }
  if (s.type === 'RMC') expect([s.knots, s.course, s.date].every(finite)).toBe(true);
  if (s.type === 'GSA') expect(s.used.length <= 12 && s.fix >= 1 && s.fix <= 3).toBe(true);
  if (s.type === 'GSV') expect(s.satellites.length <= 4 && s.index <= s.count).toBe(true);
}

test.each(SEEDS)('random bytes in random reads (seed %i): no throw, counters account for every line', (seed) => {
  const r = new Random(seed);
  const lines = new LineAssembler();
  const epochs = new EpochAssembler();
  let emitted = 0;
  for (let i = 0; i < 2000; i++) {
    // Bias toward NMEA punctuation so that lines actually form.
    const n = r.int(300);
    const bytes = r.bytes(n).map((b) => (b < 40 ? 0x24 : b < 60 ? 0x0a : b < 90 ? 0x2c : b));
    lines.push(bytes, (body) => {
      emitted++;
      expect(body.length).toBeLessThanOrEqual(MAX_SENTENCE - 4);
      const s = parseSentence(body);
      if (s) {
        checkRanges(s);
        const e = epochs.accept(s);
        if (e) summarize(e);
      }
    });
  }
  expect(lines.sentences).toBe(emitted);
  expect(lines.badChecksum + lines.malformed + lines.overlong + lines.truncated).toBeGreaterThan(1000);
});

test.each(SEEDS)('mutated real sentences with valid checksums (seed %i): the parser never throws and accepts only values in range', (seed) => {
  const r = new Random(seed);
  let accepted = 0;
  for (let i = 0; i < 5000; i++) {
    const body = mutate(samples[r.int(samples.length)], r);
    let s: Sentence | undefined;
    expect(() => (s = parseSentence(body))).not.toThrow();
    if (s) {
      accepted++;
      checkRanges(s);
    }
    // Through the assembler too, split at a random point.
    const bytes = Uint8Array.from(withChecksum(body), (c) => c.charCodeAt(0) & 0xff);
    const lines = new LineAssembler();
    const cut = r.int(bytes.length + 1);
    lines.push(bytes.subarray(0, cut), (b) => parseSentence(b));
    lines.push(bytes.subarray(cut), (b) => parseSentence(b));
  }
  // Many mutations (a changed digit, an added comma at the end) still make sense.
  expect(accepted).toBeGreaterThan(300);
  expect(accepted).toBeLessThan(5000);
});

test.each(SEEDS)('corrupted sentences without a fixed checksum (seed %i): no corrupted sentence is parsed', (seed) => {
  const r = new Random(seed);
  const lines = new LineAssembler();
  let passed = 0;
  for (let i = 0; i < 3000; i++) {
    const body = samples[r.int(samples.length)];
    const mutated = mutate(body, r);
    if (mutated === body) continue;
    let x = 0;
    for (const c of body) x ^= c.charCodeAt(0);
    let y = 0;
    for (const c of mutated) y ^= c.charCodeAt(0);
    const line = `$${mutated}*${x.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
    lines.push(Uint8Array.from(line, (c) => c.charCodeAt(0) & 0xff), (b) => {
      if (parseSentence(b)) passed++;
    });
    // XOR cannot see every change (a swap of two characters): those pass, and only those.
    // (A "$" inserted mid-line starts a shorter line whose checksum may match by chance, 1 in 256,
    // but what follows it has no address and is not a sentence.)
    if (x === y && !/[\x00-\x1f\x7f-\xff$]/.test(mutated) && mutated.length + 4 <= MAX_SENTENCE && parseSentence(mutated)) passed--;
  }
  expect(passed).toBe(0);
});

test('state stays bounded: a megabyte without line ends, then a sentence, assembles normally', () => {
  const lines = new LineAssembler();
  const big = new Uint8Array(1 << 20).fill(0x41);
  big[0] = 0x24;
  const got: string[] = [];
  lines.push(big, (b) => got.push(b));
  lines.push(Uint8Array.from(withChecksum(samples[0]), (c) => c.charCodeAt(0)), (b) => got.push(b));
  expect(got).toEqual([samples[0]]);
  expect(lines.truncated).toBe(1);
});

test('the epoch assembler holds at most one pending epoch whatever the order of sentences', () => {
  const r = new Random(9);
  const parsed = samples.map((s) => parseSentence(s)).filter((s): s is Sentence => s !== undefined);
  const epochs = new EpochAssembler();
  let out = 0;
  for (let i = 0; i < 10_000; i++) if (epochs.accept(parsed[r.int(parsed.length)])) out++;
  const left = epochs.flush();
  expect(out).toBeGreaterThan(1000);
  expect(left === undefined || (left.gga === undefined) !== (left.rmc === undefined)).toBe(true);
  expect(epochs.flush()).toBeUndefined();
});
