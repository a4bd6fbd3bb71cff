// The host "embedded:io/i2c" class, imported by its device specifier as hal/ code does.
import I2C from 'embedded:io/i2c';
import HostI2C from '../../../host-sim/io/i2c';
import { SimBoard, type I2cTarget } from '../../../host-sim/board/sim-board';
import { useBoard } from '../../../host-sim/board/current';
import { BOARD } from '../../../hal/board';

/** A part that records transactions and answers reads with a counter. */
class Recorder implements I2cTarget {
  log: string[] = [];
  next = 0;
  write(data: Uint8Array, stop: boolean): void {
    this.log.push(`W[${[...data].join(',')}]${stop ? 'P' : ''}`);
  }
  read(length: number, stop: boolean): Uint8Array {
    this.log.push(`R${length}${stop ? 'P' : ''}`);
    return Uint8Array.from({ length }, () => this.next++);
  }
}

const bus = { data: BOARD.i2c.data, clock: BOARD.i2c.clock, hz: BOARD.i2c.hz, port: BOARD.i2c.port };
let board: SimBoard;
let part: Recorder;

beforeEach(() => {
  board = new SimBoard();
  useBoard(board);
  part = new Recorder();
  board.attachI2c(BOARD.i2c.port, 0x42, part);
});
afterEach(() => useBoard(undefined));

test('the device specifier maps to the host class', () => {
  expect(I2C).toBe(HostI2C);
});

test('write, read(n) and read(buffer) reach the part at port and address, with stop flags', () => {
  const i2c = new HostI2C({ ...bus, address: 0x42 });
  i2c.write(Uint8Array.of(1, 2), false);
  const got = i2c.read(3);
  expect(got).toBeInstanceOf(ArrayBuffer);
  expect([...new Uint8Array(got as ArrayBuffer)]).toEqual([0, 1, 2]);
  const into = new Uint8Array(4);
  expect(i2c.read(into.subarray(1, 3), true)).toBe(2);
  expect([...into]).toEqual([0, 3, 4, 0]);
  i2c.write(new Uint8Array([9]).buffer);
  expect(part.log).toEqual(['W[1,2]', 'R3P', 'R2P', 'W[9]P']);
  expect(i2c.format).toBe('buffer');
  i2c.close();
});

test('writeRead: pointer write without stop, repeated start, read with stop', () => {
  const i2c = new HostI2C({ ...bus, address: 0x42 });
  expect([...new Uint8Array(i2c.writeRead(Uint8Array.of(7), 2) as ArrayBuffer)]).toEqual([0, 1]);
  expect(i2c.writeRead(Uint8Array.of(8), new Uint8Array(3))).toBe(3);
  expect(part.log).toEqual(['W[7]', 'R2P', 'W[8]', 'R3P']);
  i2c.close();
});

test('no device at the address (or on another port): NACK throws like the ESP32 driver; an empty write probes', () => {
  const absent = new HostI2C({ ...bus, address: 0x43 });
  expect(() => absent.write(Uint8Array.of(0))).toThrow('write failed');
  expect(() => absent.read(1)).toThrow('read failed');
  expect(() => absent.writeRead(Uint8Array.of(0), 1)).toThrow('write failed');
  expect(absent.write(new Uint8Array(0))).toBe(1);
  const present = new HostI2C({ ...bus, address: 0x42 });
  expect(present.write(new Uint8Array(0))).toBeUndefined();
  present.close(); // Moddable refuses two instances on the same pins and address, even on another port
  const otherPort = new HostI2C({ ...bus, port: 0, address: 0x42 });
  expect(() => otherPort.read(1)).toThrow('read failed');
  absent.close();
  otherPort.close();
});

test('options are checked as Moddable does; unknown keys are ignored; target is a free slot', () => {
  expect(() => new HostI2C({ ...bus, address: 128 })).toThrow(RangeError);
  expect(() => new HostI2C({ ...bus, hz: 0, address: 0x42 })).toThrow('invalid hz');
  expect(() => new HostI2C({ ...bus, port: 2, address: 0x42 })).toThrow('invalid port');
  expect(() => new HostI2C({ data: 5, clock: 6, hz: 100_000 } as never)).toThrow('address required');
  const t = {};
  const options = { ...bus, address: 0x42, io: 'ignored', colour: 'blue', target: t };
  const frozen = Object.freeze({ ...options });
  const i2c = new HostI2C(frozen as never);
  expect(i2c.target).toBe(t);
  i2c.target = 5;
  expect(i2c.target).toBe(5);
  expect(() => new HostI2C({ ...bus, address: 0x42 })).toThrow('duplicate address');
  expect(() => (i2c.format = 'number' as never)).toThrow(RangeError);
  i2c.close();
  new HostI2C({ ...bus, address: 0x42 }).close(); // the address is free again
});

test('close is idempotent; every other call after close throws', () => {
  const i2c = new HostI2C({ ...bus, address: 0x42 });
  i2c.close();
  i2c.close();
  expect(() => i2c.read(1)).toThrow('closed');
  expect(() => i2c.write(Uint8Array.of(1))).toThrow('closed');
  expect(() => i2c.writeRead(Uint8Array.of(1), 1)).toThrow('closed');
  expect(() => i2c.format).toThrow('closed');
  expect(part.log).toEqual([]);
});

test('no timer is scheduled and nothing is called back: I2C is synchronous and has no callbacks', () => {
  const i2c = new HostI2C({ ...bus, address: 0x42 });
  i2c.writeRead(Uint8Array.of(0), 4);
  expect(board.scheduler.pending).toBe(0);
  i2c.close();
});
