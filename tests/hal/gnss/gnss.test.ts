// The GNSS driver (hal/gnss) against the receiver model (host-sim/models), on a simulated
// board in virtual time, over both byte sources: the receiver's DDC port on I2C (the body
// camera's wiring, hal/board.ts) and a UART (which the driver still takes). The same NMEA
// reaches the same parser, so every check holds over both.
import I2C from 'embedded:io/i2c';
import Serial from 'embedded:io/serial';
import type { I2cIoClass } from '../../../hal/rtc/i2c-io';
import { UbloxDdc } from '../../../host-sim/models/ublox-ddc';
import GNSS, { type GnssSample } from '../../../hal/gnss/gnss';
import { BOARD } from '../../../hal/board';
import { SimBoard } from '../../../host-sim/board/sim-board';
import { useBoard } from '../../../host-sim/board/current';
import { GnssReceiver, type GnssReceiverOptions } from '../../../host-sim/models/gnss-receiver';
import { distanceMetres, METRES_PER_DEGREE, type TrackPoint } from '../../../host-sim/models/gnss-track';

/** Shenzhen, 10 m/s east for 60 s, then north (heading 0) for 60 s, then standing. */
const LAT = 22.5431;
const LON = 114.0579;
const EAST = 600 / (METRES_PER_DEGREE * Math.cos((LAT * Math.PI) / 180));
const NORTH = 600 / METRES_PER_DEGREE;
const TRACK: TrackPoint[] = [
  { t: 0, lat: LAT, lon: LON, alt: 20, speed: 10, heading: 90 },
  { t: 60_000, lat: LAT, lon: LON + EAST, alt: 30, speed: 10, heading: 90 },
  { t: 61_000, lat: LAT, lon: LON + EAST, alt: 30, speed: 10, heading: 0 },
  { t: 121_000, lat: LAT + NORTH, lon: LON + EAST, alt: 30, speed: 10, heading: 0 },
  { t: 122_000, lat: LAT + NORTH, lon: LON + EAST, alt: 30, speed: 0, heading: 0 },
];

interface Rig {
  board: SimBoard;
  model: GnssReceiver;
  gnss: GNSS;
  samples: GnssSample[];
  fixes: { at: number; fixed: boolean }[];
}

/** A receiver on a UART, as boards without the I2C wiring have it. */
const UART = { port: 1, receive: 44, transmit: 43, baud: 9600 };
const DDC = { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.gnss.address, pollMs: BOARD.gnss.pollMs };
type Transport = 'ddc' | 'uart';
let transport: Transport = 'ddc';

/** Opens and closes the transport's port again: it was released. */
function reopen(): void {
  if (transport === 'uart') new Serial({ ...UART }).close();
  else new (I2C as unknown as I2cIoClass)({ ...BOARD.i2c, address: BOARD.gnss.address }).close();
}

function rig(options: Partial<GnssReceiverOptions> = {}): Rig {
  const board = new SimBoard();
  useBoard(board);
  const model = new GnssReceiver({ scheduler: board.scheduler, track: TRACK, ...options });
  if (transport === 'uart') board.attachSerial(UART.port, model);
  else board.attachI2c(BOARD.i2c.port, BOARD.gnss.address, new UbloxDdc({ receiver: model, scheduler: board.scheduler }));
  const samples: GnssSample[] = [];
  const fixes: { at: number; fixed: boolean }[] = [];
  const gnss = new GNSS({
    sensor: transport === 'uart' ? { io: Serial, ...UART } : DDC,
    onSample() {
      samples.push(this.sample()!);
    },
    onFix(fixed) {
      fixes.push({ at: board.scheduler.now(), fixed });
    },
  });
  return { board, model, gnss, samples, fixes };
}

afterEach(() => useBoard(undefined));

/** Each fixed sample against the epoch the model reported for its UTC second and against the truth. */
function check(r: Rig, sigma: number) {
  const start = r.model.history[0].world - r.model.history[0].trackTime;
  let checked = 0;
  for (const s of r.samples.filter((x) => x.fix)) {
    const epoch = r.model.history.find((h) => h.utc === s.utc)!;
    expect(epoch).toBeDefined();
    // What the receiver said, to the precision NMEA carries (1e-5 minute ≈ 2 cm).
    expect(Math.abs(s.latitude! - epoch.position!.lat)).toBeLessThan(1e-6);
    expect(Math.abs(s.longitude! - epoch.position!.lon)).toBeLessThan(1e-6);
    const truth = r.model.truth(s.utc! - start);
    expect(distanceMetres(s.latitude!, s.longitude!, truth.lat, truth.lon)).toBeLessThan(5 * sigma + 0.1);
    // Altitude, satellites and HDOP come from GGA; an epoch whose GGA was lost has none of them.
    if (s.altitude !== undefined) expect(Math.abs(s.altitude - truth.alt)).toBeLessThan(8 * sigma + 0.1);
    else expect([s.satellites, s.hdop]).toEqual([undefined, undefined]);
    // Speed and heading come from RMC: an epoch whose RMC was lost on the line has neither.
    if (s.speed !== undefined) expect(s.speed).toBeCloseTo(truth.speed, 2);
    else expect(s.heading).toBeUndefined();
    if (s.speed !== undefined && truth.speed >= 0.5) expect(Math.abs(s.heading! - truth.heading)).toBeLessThan(0.01);
    if (s.altitude !== undefined) expect(s.satellites).toBeGreaterThanOrEqual(4);
    if (s.altitude !== undefined) expect(s.hdop).toBeLessThan(2);
    expect(s.quality).toBe(1);
    checked++;
  }
  return checked;
}

describe.each(['ddc', 'uart'] as const)('over %s', (t: Transport) => {
  beforeAll(() => {
    transport = t;
  });

  test.each(['ublox', 'quectel'] as const)('%s: one sample per second following the track within the noise, with UTC from the sentences', (profile) => {
    const r = rig({ profile, faults: { seed: 5, positionNoise: 3 } });
    expect(r.gnss.sample()).toBeUndefined();
    r.board.scheduler.runFor(130_000);
    expect(r.samples.length).toBeGreaterThanOrEqual(128);
    expect(check(r, 3)).toBeGreaterThanOrEqual(128);
    const utc = r.samples.map((s) => s.utc!);
    for (let i = 1; i < utc.length; i++) expect(utc[i] - utc[i - 1]).toBe(1000);
    // The sample's UTC is the world's time of the epoch, which is complete within the next second.
    const last = r.samples.at(-1)!;
    expect(r.board.scheduler.clock.wall()! - last.utc!).toBeLessThanOrEqual(1000);
    expect(r.samples.every((s) => s.speed !== undefined)).toBe(true);
    expect(r.fixes).toEqual([{ at: expect.any(Number), fixed: true }]);
    expect(r.gnss.counters).toMatchObject({ badChecksum: 0, malformed: 0, overlong: 0, truncated: 0 });
    r.gnss.close();
  });

  test('sample() returns a new object each time; close() releases the port and later calls throw', () => {
    const r = rig();
    r.board.scheduler.runFor(3_000);
    const a = r.gnss.sample();
    const b = r.gnss.sample();
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    a!.latitude = 0;
    expect(r.gnss.sample()!.latitude).not.toBe(0);
    r.gnss.close();
    r.gnss.close();
    expect(() => r.gnss.sample()).toThrow('closed');
    const n = r.samples.length;
    r.board.scheduler.runFor(5_000);
    expect(r.samples.length).toBe(n);
    reopen();
  });

  test('cold start and fix-loss intervals: onFix(false)/onFix(true) with hysteresis; a 2 s dropout raises no event', () => {
    const r = rig({ faults: { seed: 7, positionNoise: 2, coldStart: 12_000, fixLoss: [{ from: 40_000, to: 55_000 }, { from: 80_000, to: 82_000 }] } });
    r.board.scheduler.runFor(100_000);
    const start = r.model.history[0].world - r.model.history[0].trackTime - r.board.scheduler.clock.wall()! + r.board.scheduler.now();
    // The sample is defined during the cold start (no fix, and no time for its first half).
    const early = r.samples[0];
    expect(early).toMatchObject({ fix: false, quality: 0, latitude: undefined, utc: undefined });
    expect(r.samples.find((s) => s.utc !== undefined && !s.fix)).toBeDefined();
    expect(r.fixes.map((f) => f.fixed)).toEqual([true, false, true]);
    // Gained on the second fixed epoch after 12 s; lost on the third unfixed epoch after 40 s; regained on the second after 55 s.
    const [gained, lost, regained] = r.fixes.map((f) => f.at - start);
    expect(gained).toBeGreaterThan(13_000);
    expect(gained).toBeLessThan(15_000);
    expect(lost).toBeGreaterThan(42_000);
    expect(lost).toBeLessThan(44_000);
    expect(regained).toBeGreaterThan(56_000);
    expect(regained).toBeLessThan(58_000);
    // Samples during the loss say so, without a position.
    const during = r.samples.filter((s) => s.utc !== undefined && s.utc - (r.model.history[0].world - r.model.history[0].trackTime) >= 41_000 && s.utc - (r.model.history[0].world - r.model.history[0].trackTime) < 55_000);
    expect(during.length).toBeGreaterThan(10);
    expect(during.every((s) => !s.fix && s.latitude === undefined && s.quality === 0)).toBe(true);
    expect(check(r, 2)).toBeGreaterThan(60);
    r.gnss.close();
  });

  test('a noisy line (garbage, corrupted and cut sentences) loses samples but never produces a wrong one', () => {
    const r = rig({ faults: { seed: 11, positionNoise: 3, garbage: 0.2, checksumErrors: 0.1, truncation: 0.05 } });
    r.board.scheduler.runFor(120_000);
    const c = r.gnss.counters;
    expect(c.badChecksum).toBeGreaterThan(50);
    expect(c.truncated).toBeGreaterThan(20);
    expect(r.samples.length).toBeGreaterThan(90);
    expect(check(r, 3)).toBeGreaterThan(80);
    // An epoch that lost its GGA or RMC still counts; fix state holds through the losses.
    expect(r.fixes.map((f) => f.fixed)).toEqual([true]);
    r.gnss.close();
  });

  test('the receiver going silent (unplugged) loses the fix after the silence timeout', () => {
    const r = rig();
    r.board.scheduler.runFor(10_000);
    expect(r.gnss.fixed).toBe(true);
    r.model.toDevice = undefined;
    const cut = r.board.scheduler.now();
    r.board.scheduler.runFor(10_000);
    expect(r.fixes.map((f) => f.fixed)).toEqual([true, false]);
    expect(r.fixes[1].at - cut).toBeGreaterThanOrEqual(3_000);
    expect(r.fixes[1].at - cut).toBeLessThan(5_000);
    expect(r.gnss.sample()).toMatchObject({ fix: false, latitude: undefined });
    r.gnss.close();
  });

  test('at 4800 baud the epoch does not fit in a second: the receiver drops sentences, the driver keeps up with what arrives', () => {
    const r = rig({ baud: 4800, satellites: { GPS: 12, GLONASS: 8, Galileo: 8, BeiDou: 12 } });
    // The device opened the port at 9600 (UART) or polls DDC: the line speed is the model's business here; bytes are bytes.
    r.board.scheduler.runFor(30_000);
    expect(r.model.droppedSentences).toBeGreaterThan(0);
    expect(r.samples.filter((s) => s.fix).length).toBeGreaterThan(20);
    expect(check(r, 0)).toBeGreaterThan(20);
    r.gnss.close();
  });
});
