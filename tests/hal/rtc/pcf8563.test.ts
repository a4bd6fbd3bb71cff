// The PCF8563 driver (hal/rtc) against the register-level model (host-sim/models) through the
// host I2C class, on a simulated board in virtual time.
import I2C from 'embedded:io/i2c';
import HostI2C from '../../../host-sim/io/i2c';
import PCF8563 from '../../../hal/rtc/pcf8563';
import { BOARD } from '../../../hal/board';
import { Pcf8563 } from '../../../host-sim/models/pcf8563';
import { SimBoard, type I2cTarget } from '../../../host-sim/board/sim-board';
import { useBoard } from '../../../host-sim/board/current';
import { Scheduler } from '../../../host-sim/time/scheduler';
import { VirtualClock } from '../../../host-sim/time/virtual-clock';

const WORLD_START = Date.UTC(2026, 10, 26, 1, 0, 0);
const clockOptions = { io: HostI2C, ...BOARD.i2c, address: BOARD.rtc.address };
let board: SimBoard;

function setup(model: Partial<ConstructorParameters<typeof Pcf8563>[0]> = {}, start: number | null = WORLD_START) {
  const clock = new VirtualClock();
  clock.setWall(start ?? undefined); // null: a world with no wall time yet
  board = new SimBoard(new Scheduler(clock));
  useBoard(board);
  const chip = new Pcf8563(model);
  board.attachI2c(BOARD.i2c.port, BOARD.rtc.address, chip);
  const rtc = new PCF8563({ clock: clockOptions });
  return { chip, rtc };
}

/** Raw register access, as a second controller on the bus would do it. */
function poke(chip: I2cTarget, register: number, ...bytes: number[]): void {
  chip.write(Uint8Array.of(register, ...bytes), true);
}
function peek(chip: I2cTarget, register: number, count: number): number[] {
  chip.write(Uint8Array.of(register), false);
  return [...chip.read(count, true)];
}

afterEach(() => useBoard(undefined));

test('the driver runs over the device specifier class', () => {
  expect(I2C).toBe(HostI2C);
});

test('a fresh clock reads the world time; an offset clock reads the world time plus its offset', () => {
  let { rtc } = setup();
  expect(rtc.time).toBe(WORLD_START);
  rtc.close();
  ({ rtc } = setup({ offsetMs: -5_000 }));
  expect(rtc.time).toBe(WORLD_START - 5_000);
  rtc.close();
});

test.each([
  ['2000-01-01 00:00:00', Date.UTC(2000, 0, 1)],
  ['2024-02-29 12:34:56 (leap day)', Date.UTC(2024, 1, 29, 12, 34, 56)],
  ['2026-11-26 23:59:59', Date.UTC(2026, 10, 26, 23, 59, 59)],
  ['2099-12-31 23:59:59', Date.UTC(2099, 11, 31, 23, 59, 59)],
  ['2100-01-01 00:00:00 (century bit)', Date.UTC(2100, 0, 1)],
  ['2199-12-31 23:59:59', Date.UTC(2199, 11, 31, 23, 59, 59)],
])('set then read back: %s', (_, t) => {
  const { rtc } = setup();
  rtc.time = t + 999; // sub-second ms are dropped
  expect(rtc.time).toBe(t);
  rtc.close();
});

test('dates the chip cannot hold are refused, and leave the clock as it was', () => {
  const { rtc } = setup();
  expect(() => (rtc.time = Date.UTC(1999, 11, 31, 23, 59, 59))).toThrow(RangeError);
  expect(() => (rtc.time = Date.UTC(2200, 0, 1))).toThrow(RangeError);
  expect(() => (rtc.time = NaN)).toThrow(RangeError);
  expect(() => (rtc.time = undefined)).toThrow(RangeError);
  expect(rtc.time).toBe(WORLD_START);
  rtc.close();
});

test.each([
  ['a minute', Date.UTC(2026, 0, 1, 0, 0, 59), Date.UTC(2026, 0, 1, 0, 1, 0)],
  ['a year', Date.UTC(2026, 11, 31, 23, 59, 59), Date.UTC(2027, 0, 1)],
  ['February in a leap year', Date.UTC(2024, 1, 28, 23, 59, 59), Date.UTC(2024, 1, 29)],
  ['the leap day itself', Date.UTC(2024, 1, 29, 23, 59, 59), Date.UTC(2024, 2, 1)],
  ['February in a common year', Date.UTC(2023, 1, 28, 23, 59, 59), Date.UTC(2023, 2, 1)],
  ['February 2000', Date.UTC(2000, 1, 28, 23, 59, 59), Date.UTC(2000, 1, 29)],
  ['the century: 2099 → 2100', Date.UTC(2099, 11, 31, 23, 59, 59), Date.UTC(2100, 0, 1)],
])('the chip carries over %s', (_, from, to) => {
  const { rtc } = setup();
  rtc.time = from;
  board.scheduler.runFor(1_000);
  expect(rtc.time).toBe(to);
  rtc.close();
});

test('century rollover in the registers: years 99 → 00 toggles bit 7 of century_months', () => {
  const { chip, rtc } = setup();
  rtc.time = Date.UTC(2099, 11, 31, 23, 59, 59);
  expect(peek(chip, 0x07, 2)).toEqual([0x12, 0x99]);
  board.scheduler.runFor(1_000);
  expect(peek(chip, 0x02, 7)).toEqual([0x00, 0x00, 0x00, 0x01, 5, 0x81, 0x00]);
  rtc.close();
});

test('past 2199 the century bit toggles back and the clock reads 2000 again (the chip has one century bit)', () => {
  const { rtc } = setup();
  rtc.time = Date.UTC(2199, 11, 31, 23, 59, 59);
  board.scheduler.runFor(1_000);
  expect(rtc.time).toBe(Date.UTC(2000, 0, 1));
  rtc.close();
});

test('time advances with virtual time, weekday included, across a long jump', () => {
  const { chip, rtc } = setup();
  board.scheduler.runFor(90 * 60_000);
  expect(rtc.time).toBe(WORLD_START + 90 * 60_000);
  board.scheduler.runFor(400 * 86_400_000 + 1_500);
  const expected = WORLD_START + 90 * 60_000 + 400 * 86_400_000 + 1_000;
  expect(rtc.time).toBe(expected);
  expect(chip.registers()[6]).toBe(new Date(expected).getUTCDay());
  rtc.close();
});

test('a +20 ppm crystal gains 1.728 s a day; a −20 ppm one loses as much', () => {
  let { rtc } = setup({ driftPpm: 20 });
  board.scheduler.runFor(86_400_000);
  // the chip has counted 86 401.728 s: it shows +1 s now and ticks to +2 s 0.272 s later
  expect(rtc.time! - board.scheduler.clock.wall()!).toBe(1_000);
  board.scheduler.runFor(271);
  expect(rtc.time! - WORLD_START).toBe(86_401_000);
  board.scheduler.runFor(1);
  expect(rtc.time! - WORLD_START).toBe(86_402_000);
  rtc.close();

  ({ rtc } = setup({ driftPpm: -20 }));
  board.scheduler.runFor(86_400_000);
  expect(rtc.time! - WORLD_START).toBe(86_398_000); // 86 398.272 s counted
  rtc.close();
});

test('backup cell lost: time is undefined, stays so while time passes, until it is set', () => {
  const { chip, rtc } = setup();
  chip.losePower();
  expect(rtc.time).toBeUndefined();
  expect(peek(chip, 0x00, 3)).toEqual([0x08, 0x00, 0x80]); // TESTC, VL
  board.scheduler.runFor(3_600_000);
  expect(rtc.time).toBeUndefined();
  const t = Date.UTC(2026, 10, 26, 2, 0, 0);
  rtc.time = t;
  expect(peek(chip, 0x00, 3)).toEqual([0x00, 0x00, 0x00]); // VL cleared by the seconds write, TESTC by the driver
  board.scheduler.runFor(10_000);
  expect(rtc.time).toBe(t + 10_000);
  rtc.close();
});

test('a clock that starts without a valid time (no world time, or valid: false) reads undefined', () => {
  let { rtc } = setup({}, null);
  expect(rtc.time).toBeUndefined();
  rtc.close();
  ({ rtc } = setup({ valid: false }));
  expect(rtc.time).toBeUndefined();
  rtc.close();
});

test('a voltage dip sets VL: the time keeps counting in the registers but is no longer trusted', () => {
  const { chip, rtc } = setup();
  chip.lowVoltage();
  board.scheduler.runFor(5_000);
  expect(rtc.time).toBeUndefined();
  expect(peek(chip, 0x02, 1)).toEqual([0x85]); // VL | 05 s
  rtc.close();
});

test('the STOP bit freezes the count; released, the first increment comes 0.507813 s later', () => {
  const { chip, rtc } = setup();
  board.scheduler.runFor(400); // mid-second
  poke(chip, 0x00, 0x20);
  expect(rtc.time).toBeUndefined(); // a stopped clock does not tell the time
  board.scheduler.runFor(10_000);
  expect(peek(chip, 0x02, 1)).toEqual([0x00]);
  poke(chip, 0x00, 0x00);
  board.scheduler.runFor(507);
  expect(rtc.time).toBe(WORLD_START);
  board.scheduler.runFor(1);
  expect(rtc.time).toBe(WORLD_START + 1_000);
  rtc.close();
});

test('setting the time starts a stopped clock', () => {
  const { chip, rtc } = setup();
  poke(chip, 0x00, 0x20);
  rtc.time = Date.UTC(2030, 5, 1);
  expect(peek(chip, 0x00, 1)).toEqual([0x00]);
  board.scheduler.runFor(2_000);
  expect(rtc.time).toBe(Date.UTC(2030, 5, 1, 0, 0, 2));
  rtc.close();
});

test('impossible register contents read as undefined', () => {
  const { chip, rtc } = setup();
  poke(chip, 0x07, 0x13); // month 13
  expect(rtc.time).toBeUndefined();
  poke(chip, 0x05, 0x31, 0, 0x04); // April 31
  expect(rtc.time).toBeUndefined();
  poke(chip, 0x02, 0x00, 0x00, 0x00, 0x29, 0, 0x02, 0x25); // 2025-02-29
  expect(rtc.time).toBeUndefined();
  rtc.close();
});

test('the register pointer auto-increments on reads and writes and rolls over from 0x0F to 0x00', () => {
  const { chip, rtc } = setup();
  poke(chip, 0x0f, 0xab, 0x00, 0x00); // timer, then control 1 and 2
  const regs = peek(chip, 0x0e, 4);
  expect(regs).toEqual([0x03, 0xab, 0x00, 0x00]);
  rtc.close();
});

test('the counters are frozen for a whole transaction; at most one pending increment survives it', () => {
  const { chip, rtc } = setup();
  chip.write(Uint8Array.of(0x02), false);
  board.scheduler.runFor(3_500); // the bus is held without a STOP
  expect(chip.read(1, false)).toEqual(Uint8Array.of(0x00));
  expect(chip.read(1, true)).toEqual(Uint8Array.of(0x00)); // minutes; STOP: one increment serviced
  expect(rtc.time).toBe(WORLD_START + 1_000); // two seconds lost, as on the chip
  rtc.close();
});

test('the driver reads in one pointer-write/read transaction and sets the time registers in one write', () => {
  const { chip, rtc } = setup();
  const log: string[] = [];
  const spy: I2cTarget = {
    write: (d, stop) => (log.push(`W${[...d].map((b) => b.toString(16)).join(',')}${stop ? ' P' : ''}`), chip.write(d, stop)),
    read: (n, stop) => (log.push(`R${n}${stop ? ' P' : ''}`), chip.read(n, stop)),
  };
  board.i2c.get(BOARD.i2c.port)!.set(BOARD.rtc.address, spy);
  void rtc.time;
  expect(log).toEqual(['W0', 'R9 P']);
  log.length = 0;
  rtc.time = Date.UTC(2026, 10, 26, 1, 2, 3);
  expect(log).toEqual(['W2,3,2,1,26,4,11,26 P', 'W0', 'R1 P']);
  rtc.close();
});

test('no RTC at the address: the constructor throws and releases the bus', () => {
  board = new SimBoard();
  useBoard(board);
  expect(() => new PCF8563({ clock: clockOptions })).toThrow('write failed'); // the pointer write is not ACKed
  new HostI2C({ ...BOARD.i2c, address: BOARD.rtc.address }).close(); // not left open
});

test('close is idempotent; time after close throws; target is a free slot', () => {
  board = new SimBoard();
  useBoard(board);
  board.attachI2c(BOARD.i2c.port, BOARD.rtc.address, new Pcf8563());
  const t = { id: 'rtc' };
  const rtc = new PCF8563({ clock: clockOptions, target: t });
  expect(rtc.target).toBe(t);
  rtc.close();
  rtc.close();
  expect(() => rtc.time).toThrow('closed');
  expect(() => (rtc.time = WORLD_START)).toThrow('closed');
  expect(board.scheduler.pending).toBe(0); // nothing deferred, nothing to call back
});
