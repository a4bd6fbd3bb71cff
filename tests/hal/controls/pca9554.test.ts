// The PCA9554 I/O expander: the model (host-sim/models/pca9554.ts) at register level, and
// the driver (hal/controls/pca9554.ts) through the host I2C class.
import I2C from 'embedded:io/i2c';
import { Pca9554, Pca9554Register } from '../../../hal/controls/pca9554';
import type { I2cIoClass } from '../../../hal/rtc/i2c-io';
import { BOARD } from '../../../hal/board';
import { SimBoard, type I2cTarget } from '../../../host-sim/board/sim-board';
import { useBoard } from '../../../host-sim/board/current';
import { IndicatorRecorder } from '../../../host-sim/models/indicator';
import { Pca9554Model } from '../../../host-sim/models/pca9554';

let board: SimBoard;
let model: Pca9554Model;
beforeEach(() => {
  board = new SimBoard();
  useBoard(board);
  model = new Pca9554Model(board.scheduler);
});
afterEach(() => useBoard(undefined));

const regs = () => [...model.registers()];

describe('model', () => {
  test('power-on: every pin an input, pulled up; output 0xFF, polarity 0x00, configuration 0xFF', () => {
    expect(regs()).toEqual([0xff, 0xff, 0x00, 0xff]);
  });

  test('the command byte selects a register; further bytes go to that same one; reads repeat it', () => {
    model.write(Uint8Array.of(Pca9554Register.OUTPUT, 0x0f, 0xf0), true);
    expect(regs()).toEqual([0xff, 0xf0, 0x00, 0xff]); // no auto-increment into polarity
    model.write(Uint8Array.of(Pca9554Register.CONFIGURATION), false);
    expect([...model.read(3, true)]).toEqual([0xff, 0xff, 0xff]);
    model.write(Uint8Array.of(Pca9554Register.INPUT, 0x00), true); // ignored
    expect(regs()[0]).toBe(0xff);
  });

  test('the input port reads outputs as driven and inputs as their level, inverted by polarity for inputs only', () => {
    model.attach(7, { level: () => 0 }); // a part pulling P7 low
    model.write(Uint8Array.of(Pca9554Register.OUTPUT, 0x05), true);
    model.write(Uint8Array.of(Pca9554Register.CONFIGURATION, 0xf0), true); // P0-P3 outputs
    expect(regs()[0]).toBe(0x75);
    model.write(Uint8Array.of(Pca9554Register.POLARITY, 0xff), true);
    expect(regs()[0]).toBe(0x85); // P4-P6 (pulled up) and P7 (low) read inverted; P0-P3 not
  });

  test('a part on a pin hears its level: pulled up at power-on, then what the output drives', () => {
    const motor = new IndicatorRecorder({ activeLow: true });
    board.scheduler.runFor(10);
    model.attach(0, motor);
    model.write(Uint8Array.of(Pca9554Register.OUTPUT, 0xfe), true); // no change yet: P0 is an input
    board.scheduler.runFor(10);
    model.write(Uint8Array.of(Pca9554Register.CONFIGURATION, 0xfe), true);
    board.scheduler.runFor(10);
    model.write(Uint8Array.of(Pca9554Register.CONFIGURATION, 0xff), true);
    expect(motor.levels).toEqual([{ atMs: 10, value: 1 }, { atMs: 20, value: 0 }, { atMs: 30, value: 1 }]);
  });
});

describe('driver', () => {
  function attached(): { motor: IndicatorRecorder; log: string[] } {
    const motor = new IndicatorRecorder({ activeLow: true });
    model.attach(BOARD.vibration.expanderPin, motor);
    const log: string[] = [];
    const target: I2cTarget = {
      write: (d, s) => (log.push([...d].join(',')), model.write(d, s)),
      read: (n, s) => (log.push(`r${n}`), model.read(n, s)),
    };
    board.attachI2c(BOARD.i2c.port, BOARD.expander.address, target);
    return { motor, log };
  }
  const open = (onError?: (e: unknown) => void) => new Pca9554({ sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.expander.address }, onError });

  test('output(): the level first, then the direction, so the pin never shows the other level; writes only on change', () => {
    const { motor, log } = attached();
    const x = open();
    const pin = x.output(0, 1);
    // The output register already held 1 for P0 (power-on): only the direction is written.
    expect(log).toEqual([`${Pca9554Register.CONFIGURATION},254`]);
    pin.write(0);
    pin.write(0);
    board.scheduler.runFor(150);
    pin.write(1);
    expect(log.slice(1)).toEqual([`${Pca9554Register.OUTPUT},254`, `${Pca9554Register.OUTPUT},255`]);
    expect(motor.onIntervals(0, 200)).toEqual([{ start: 0, end: 150 }]);
    expect(x.read() & 1).toBe(1);
    pin.close();
    expect(regs()[3]).toBe(0xff); // back to an input
    expect(() => pin.write(0)).toThrow('closed');
    expect(() => x.output(8, 0)).toThrow(RangeError);
    x.close();
  });

  test('a pin set up with initial 0 is written low before it becomes an output', () => {
    const { log } = attached();
    open().output(3, 0);
    expect(log).toEqual([`${Pca9554Register.OUTPUT},247`, `${Pca9554Register.CONFIGURATION},247`]);
  });

  test('a bus error goes to onError, never thrown into the pattern timer; the next write repairs both registers', () => {
    const { motor, log } = attached();
    const errors: unknown[] = [];
    const x = open((e) => errors.push(e));
    const pin = x.output(0, 1);
    const bus = board.i2c.get(BOARD.i2c.port)!;
    const part = bus.get(BOARD.expander.address)!;
    bus.delete(BOARD.expander.address); // unplugged: no ACK
    expect(() => pin.write(0)).not.toThrow();
    expect(errors.map((e) => (e as Error).message)).toEqual(['write failed']);
    expect(motor.levels.at(-1)!.value).toBe(1);
    // The expander reset while away (power-on registers) and answers again.
    bus.set(BOARD.expander.address, part);
    model.write(Uint8Array.of(Pca9554Register.CONFIGURATION, 0xff), true);
    log.length = 0;
    pin.write(0);
    expect(log).toEqual([`${Pca9554Register.OUTPUT},254`, `${Pca9554Register.CONFIGURATION},254`]);
    expect(motor.levels.at(-1)!.value).toBe(0);
    x.close();
  });

  test('a missing expander does not stop the firmware building its indicators', () => {
    const errors: unknown[] = [];
    const pin = open((e) => errors.push(e)).output(0, 1);
    pin.write(0);
    expect(errors.length).toBe(2);
  });
});
