// The NMEA line assembler and sentence parser (hal/gnss/nmea.ts) on receiver logs written
// the way u-blox M8/M10, Quectel L76K and older GPS-only receivers write them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineAssembler, MAX_SENTENCE, parseSentence, type Gga, type Gsa, type Gsv, type Rmc, type Sentence } from '../../../hal/gnss/nmea';

const fixture = (name: string) => new Uint8Array(readFileSync(join(__dirname, 'fixtures', name)));
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function sentence(body: string): string {
  let x = 0;
  for (const c of body) x ^= c.charCodeAt(0);
  return `$${body}*${x.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

function bodies(bytes: Uint8Array, lines = new LineAssembler()): string[] {
  const out: string[] = [];
  lines.push(bytes, (b) => out.push(b));
  return out;
}

function parseAll(name: string): Sentence[] {
  return bodies(fixture(name)).map((b) => parseSentence(b)).filter((s): s is Sentence => s !== undefined);
}

test('the checksum algorithm matches u-blox published examples (fixtures are well formed)', () => {
  expect(sentence('GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,')).toBe('$GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,*5B\r\n');
  for (const name of ['ublox-m8-multi.nmea', 'quectel-l76k-bd.nmea', 'gps-only-nmea23.nmea', 'no-fix.nmea']) {
    const lines = new LineAssembler();
    const got = bodies(fixture(name), lines);
    expect(got.length).toBeGreaterThan(4);
    expect({ bad: lines.badChecksum, malformed: lines.malformed, overlong: lines.overlong, truncated: lines.truncated }).toEqual({ bad: 0, malformed: 0, overlong: 0, truncated: 0 });
  }
});

test('u-blox M8 multi-GNSS epoch: GN solution, per-system GSA with system ids, GP/GL/GA/GB GSV with signal ids', () => {
  const all = parseAll('ublox-m8-multi.nmea');
  const rmc = all.find((s) => s.type === 'RMC') as Rmc;
  expect(rmc).toMatchObject({ talker: 'GN', valid: true, mode: 'A', knots: 0.004, course: 77.52 });
  expect(rmc.time).toBe(((8 * 60 + 35) * 60 + 59) * 1000);
  expect(rmc.date).toBe(Date.UTC(2002, 11, 9));
  expect(rmc.latitude).toBeCloseTo(47 + 17.11437 / 60, 9);
  expect(rmc.longitude).toBeCloseTo(8 + 33.91522 / 60, 9);
  const gga = all.find((s) => s.type === 'GGA') as Gga;
  expect(gga).toMatchObject({ talker: 'GN', quality: 1, satellites: 12, hdop: 0.86, altitude: 499.6, separation: 48 });
  const gsa = all.filter((s): s is Gsa => s.type === 'GSA');
  expect(gsa.map((g) => [g.system, g.used.length])).toEqual([[1, 8], [2, 4], [3, 3], [4, 4]]);
  expect(gsa[1].used).toEqual([65, 72, 73, 74]);
  expect(gsa[0]).toMatchObject({ fix: 3, pdop: 1.52, hdop: 0.86, vdop: 1.25 });
  const gsv = all.filter((s): s is Gsv => s.type === 'GSV');
  expect(gsv.map((g) => `${g.talker}${g.index}/${g.count}:${g.satellites.length}`)).toEqual(['GP1/3:4', 'GP2/3:4', 'GP3/3:2', 'GL1/1:4', 'GA1/1:3', 'GB1/1:4']);
  expect(gsv[1].satellites[2]).toEqual({ id: 24, elevation: 8, azimuth: 35, snr: undefined });
  expect(gsv[4].signal).toBe(7);
  // VTG and GLL are valid sentences the parser does not interpret.
  expect(all.length).toBe(bodies(fixture('ublox-m8-multi.nmea')).length - 2);
});

test('Quectel L76K: BD talker for BeiDou, GSV without signal id, 12-field RMC, negative geoid separation', () => {
  const all = parseAll('quectel-l76k-bd.nmea');
  const gga = all.find((s) => s.type === 'GGA') as Gga;
  expect(gga).toMatchObject({ talker: 'GN', quality: 1, satellites: 14, separation: -2.8, time: ((2 * 60 + 36) * 60 + 34) * 1000 });
  expect(gga.latitude).toBeCloseTo(22 + 32.1234 / 60, 9);
  expect(gga.longitude).toBeCloseTo(114 + 3.5678 / 60, 9);
  const bd = all.filter((s): s is Gsv => s.type === 'GSV' && s.talker === 'BD');
  expect(bd.map((g) => g.satellites.map((s) => s.id))).toEqual([[6, 9, 16, 21], [26, 36, 39]]);
  expect(bd[1].signal).toBeUndefined();
  expect(bd[1].satellites[2].snr).toBeUndefined();
  const rmc = all.find((s) => s.type === 'RMC') as Rmc;
  expect(rmc).toMatchObject({ valid: true, knots: 12.35, course: 87.6, mode: 'A', date: Date.UTC(2026, 10, 15) });
});

test('GPS-only NMEA 2.3: GP talker, southern and western hemispheres, differential quality, empty course', () => {
  const all = parseAll('gps-only-nmea23.nmea');
  expect(all.map((s) => `${s.talker}${s.type}`)).toEqual(['GPGGA', 'GPGSA', 'GPRMC', 'GPGGA', 'GPRMC']);
  const gsa = all[1] as Gsa;
  expect(gsa.system).toBeUndefined();
  const south = all[3] as Gga;
  expect(south.quality).toBe(2);
  expect(south.latitude).toBeCloseTo(-(34 + 36.62 / 60), 9);
  expect(south.longitude).toBeCloseTo(-(58 + 22.81 / 60), 9);
  const rmc = all[4] as Rmc;
  expect(rmc).toMatchObject({ course: undefined, knots: 0, mode: 'D' });
});

test('no fix: empty fields are absent values, status V, quality 0, GSA mode 1, empty GSV', () => {
  const all = parseAll('no-fix.nmea');
  const [rmc0, gga0, gsa, gsv0, rmc1, gga1, gsv1, bd] = all as [Rmc, Gga, Gsa, Gsv, Rmc, Gga, Gsv, Gsv];
  expect(rmc0).toMatchObject({ time: undefined, valid: false, latitude: undefined, date: undefined, mode: 'N' });
  expect(gga0).toMatchObject({ time: undefined, quality: 0, satellites: 0, hdop: 99.99, latitude: undefined, altitude: undefined });
  expect(gsa).toMatchObject({ fix: 1, used: [] });
  expect(gsv0).toMatchObject({ count: 1, index: 1, inView: 0, satellites: [], signal: 1 });
  expect(rmc1).toMatchObject({ valid: false, date: Date.UTC(2026, 7, 26), time: ((9 * 60 + 27) * 60 + 25) * 1000 });
  expect(gga1.satellites).toBe(3);
  expect(gsv1.satellites[0]).toEqual({ id: 12, elevation: undefined, azimuth: undefined, snr: 28 });
  expect(bd.talker).toBe('BD');
});

test('checksums: a wrong, missing, short or non-hex checksum rejects the line; lower-case hex is accepted', () => {
  const good = sentence('GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,');
  const lines = new LineAssembler();
  const bad = good.replace('*5B', '*5C');
  const missing = good.replace('*5B', '');
  const short = good.replace('*5B', '*5');
  const nonHex = good.replace('*5B', '*5G');
  const flipped = good.replace('4717', '4718');
  expect(bodies(ascii(bad + missing + short + nonHex + flipped), lines)).toEqual([]);
  expect({ bad: lines.badChecksum, malformed: lines.malformed }).toEqual({ bad: 2, malformed: 3 });
  expect(bodies(ascii(good.replace('*5B', '*5b')))).toHaveLength(1);
});

test('line length: 80 characters from "$" through the checksum pass, 81 are dropped and the next line is unaffected', () => {
  const fill = (n: number) => {
    let body = 'GPTXT,01,01,02,';
    while (sentence(body).length - 2 < n) body += 'X';
    return sentence(body);
  };
  expect(fill(MAX_SENTENCE).length).toBe(82);
  const lines = new LineAssembler();
  const got = bodies(ascii(fill(MAX_SENTENCE) + fill(MAX_SENTENCE + 1) + '$' + 'A'.repeat(5000) + '\r\n' + fill(20)), lines);
  expect(got.map((b) => b.length)).toEqual([MAX_SENTENCE - 4, 20 - 4]);
  expect(lines.overlong).toBe(2);
});

test('framing: noise before "$" is skipped, a new "$" restarts a cut line, LF alone or CR alone ends a line, 8-bit bytes reject it', () => {
  const gga = sentence('GNGGA,092725.00,,,,,0,00,99.99,,,,,,');
  const lines = new LineAssembler();
  const got = bodies(ascii('\x00\xff noise ' + gga.slice(0, 20) + gga.replace('\r\n', '\n') + gga.replace('\r\n', '\r') + gga.replace(',0,', ',\xe9,')), lines);
  expect(got).toHaveLength(2);
  expect(lines.truncated).toBe(1);
  expect(lines.malformed).toBe(1);
  // A sentence split across reads at every position assembles the same.
  for (let cut = 0; cut <= gga.length; cut++) {
    const a = new LineAssembler();
    const out: string[] = [];
    a.push(ascii(gga.slice(0, cut)), (b) => out.push(b));
    a.push(ascii(gga.slice(cut)), (b) => out.push(b));
    expect(out).toEqual([gga.slice(1, -5)]);
  }
});

test.each([
  ['unknown talker', 'XXGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,'],
  ['proprietary', 'PUBX,04,073731.00,091202,113851.00,1196,15D,1930035,-2660.664,43,'],
  ['latitude minutes 60', 'GPGGA,092725.00,4760.00000,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,'],
  ['latitude over 90', 'GPGGA,092725.00,9100.00000,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,'],
  ['latitude without hemisphere', 'GPGGA,092725.00,4717.11399,,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,'],
  ['hemisphere Q', 'GPGGA,092725.00,4717.11399,Q,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,'],
  ['longitude with two degree digits', 'GPGGA,092725.00,4717.11399,N,0833.91590,E,1,08,1.01,499.6,M,48.0,M,,'],
  ['latitude without longitude', 'GPGGA,092725.00,4717.11399,N,,,1,08,1.01,499.6,M,48.0,M,,'],
  ['hour 24', 'GPGGA,240000.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,'],
  ['letters in altitude', 'GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,4x9.6,M,48.0,M,,'],
  ['quality 9', 'GPGGA,092725.00,4717.11399,N,00833.91590,E,9,08,1.01,499.6,M,48.0,M,,'],
  ['too few GGA fields', 'GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08'],
  ['RMC status X', 'GPRMC,083559.00,X,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A'],
  ['RMC 31 April', 'GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,310402,,,A'],
  ['RMC month 13', 'GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,011302,,,A'],
  ['RMC negative speed', 'GPRMC,083559.00,A,4717.11437,N,00833.91522,E,-1.0,77.52,091202,,,A'],
  ['RMC course 400', 'GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,400.0,091202,,,A'],
  ['GSA fix 4', 'GNGSA,A,4,02,05,,,,,,,,,,,1.52,0.86,1.25,1'],
  ['GSA 11 slots', 'GNGSA,A,3,02,05,,,,,,,,,,1.52,0.86,1.25'],
  ['GSV index beyond count', 'GPGSV,2,3,05,02,45,250,41'],
  ['GSV partial block', 'GPGSV,1,1,01,02,45,250'],
  ['GSV five blocks', 'GPGSV,1,1,05,01,1,1,1,02,1,1,1,03,1,1,1,04,1,1,1,05,1,1,1'],
])('rejected: %s', (_, body) => {
  expect(bodies(ascii(sentence(body)))).toHaveLength(1);
  expect(parseSentence(body)).toBeUndefined();
});
