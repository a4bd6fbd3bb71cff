// The host "embedded:io/serial" class against a scripted part, on a simulated board in virtual time.
import Serial from 'embedded:io/serial';
import HostSerial, { FIFO_LENGTH, RX_FULL_THRESHOLD } from '../../../host-sim/io/serial';
import { SimBoard, type SerialPart } from '../../../host-sim/board/sim-board';
import { useBoard } from '../../../host-sim/board/current';

class Wire implements SerialPart {
  toDevice: ((data: Uint8Array) => void) | undefined;
  received: { at: number; bytes: number[] }[] = [];
  opens: boolean[] = [];
  constructor(private board: SimBoard) {}
  fromDevice(data: Uint8Array): void {
    this.received.push({ at: this.board.scheduler.now(), bytes: [...data] });
  }
  connected(open: boolean): void {
    this.opens.push(open);
  }
  send(bytes: number[] | string, at = 0): void {
    const data = typeof bytes === 'string' ? Uint8Array.from(bytes, (c) => c.charCodeAt(0)) : Uint8Array.from(bytes);
    this.board.scheduler.set(() => this.toDevice?.(data), at);
  }
}

// A GNSS-style UART (the body camera's receiver is on I2C now; the class is still tested on the pins it once used).
const { port, receive, transmit, baud } = { port: 1, receive: 44, transmit: 43, baud: 9600 };
let board: SimBoard;
let wire: Wire;

beforeEach(() => {
  board = new SimBoard();
  useBoard(board);
  wire = new Wire(board);
  board.attachSerial(port, wire);
});
afterEach(() => useBoard(undefined));

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => (from + i) & 0xff);

test('the device specifier maps to the host class; Moddable defaults: port 0, format "number"', () => {
  expect(Serial).toBe(HostSerial);
  const s = new HostSerial({ receive: 20, transmit: 19, baud: 115200 });
  expect(s.format).toBe('number');
  expect(() => new HostSerial({ receive: 18, baud: 9600 })).toThrow('port in use');
  s.close();
  new HostSerial({ receive: 18, baud: 9600 }).close();
});

test('option checks: a second instance on a port, a pin in use, bad baud or port, no pins', () => {
  const s = new HostSerial({ port, receive, transmit, baud });
  expect(() => new HostSerial({ port, receive: 1, transmit: 2, baud })).toThrow('port in use');
  expect(() => new HostSerial({ port: 2, receive, baud })).toThrow('in use');
  expect(() => new HostSerial({ port: 3, receive: 1, baud })).toThrow('invalid port');
  expect(() => new HostSerial({ port: 2, receive: 1, baud: 0 })).toThrow('invalid baud');
  expect(() => new HostSerial({ port: 2, baud })).toThrow('invalid');
  expect(() => new HostSerial({ port: 2, receive: 1, baud, format: 'string' as 'buffer' })).toThrow('invalid format');
  s.close();
  s.close();
  expect(() => s.read()).toThrow('closed');
  expect(() => s.write(1)).toThrow('closed');
  expect(() => s.format).toThrow('closed');
  // The port and its pins are free again.
  new HostSerial({ port, receive, transmit, baud }).close();
  expect(wire.opens).toEqual([true, false, true, false]);
});

test('onReadable is deferred, called with this = the instance and the bytes available, after the receive timeout', () => {
  const calls: { at: number; n: number; self: unknown }[] = [];
  let inside = false;
  const s = new HostSerial({
    port, receive, transmit, baud, format: 'buffer', target: 'gnss',
    onReadable(n) {
      expect(inside).toBe(false);
      calls.push({ at: board.scheduler.now(), n, self: this });
    },
  });
  expect(s.target).toBe('gnss');
  const original = wire.toDevice!;
  wire.toDevice = (d) => {
    inside = true;
    original(d);
    inside = false;
  };
  wire.send('$GPTXT', 10);
  board.scheduler.runFor(10);
  expect(calls).toEqual([]);
  // Four character times of idle line at 9600 baud: 4.17 ms, on an integer-ms clock 5 ms.
  board.scheduler.runFor(4);
  expect(calls).toEqual([]);
  board.scheduler.runFor(1);
  expect(calls).toEqual([{ at: 15, n: 6, self: s }]);
  expect(new TextDecoder().decode(s.read() as ArrayBuffer)).toBe('$GPTXT');
  expect(s.read()).toBeUndefined();
  s.close();
});

test('the FIFO-full interrupt fires at the threshold without waiting for the line to go idle', () => {
  const calls: number[] = [];
  const s = new HostSerial({ port, receive, baud, format: 'buffer', onReadable: (n) => calls.push(n) });
  wire.send(range(RX_FULL_THRESHOLD - 1), 0);
  wire.send([1], 1);
  board.scheduler.runFor(1);
  expect(calls).toEqual([RX_FULL_THRESHOLD]);
  s.close();
});

test('bytes left unread: the next arriving bytes raise the interrupt again, with the total available', () => {
  const calls: number[] = [];
  const s = new HostSerial({ port, receive, baud, format: 'buffer', onReadable: (n) => calls.push(n) });
  wire.send(range(10), 0);
  board.scheduler.runFor(20);
  expect(calls).toEqual([10]);
  wire.send(range(5), 0);
  board.scheduler.runFor(20);
  // Nothing read: after the callback the interrupt is enabled again; the new bytes raise it, for all 15.
  expect(calls).toEqual([10, 15]);
  board.scheduler.runFor(100);
  // Unread bytes raise no further interrupt: only arriving bytes do.
  expect(calls).toEqual([10, 15]);
  expect(() => s.read(0)).toThrow('invalid');
  expect(new Uint8Array(s.read(4) as ArrayBuffer)).toEqual(Uint8Array.from(range(4)));
  const into = new Uint8Array(20);
  expect(s.read(into)).toBe(11);
  expect(s.read(into)).toBeUndefined();
  expect(s.read(0)).toBeUndefined();
  s.close();
});

test('the 128-byte receive FIFO overflows when nobody reads: later bytes are lost and counted', () => {
  const s = new HostSerial({ port, receive, baud, format: 'buffer' });
  wire.send(range(200), 0);
  board.scheduler.runFor(10);
  expect(s.lostBytes).toBe(200 - FIFO_LENGTH);
  const got = new Uint8Array(s.read() as ArrayBuffer);
  expect(got).toEqual(Uint8Array.from(range(FIFO_LENGTH)));
  s.close();
});

test('format "number": one byte per read; format can be switched', () => {
  const s = new HostSerial({ port, receive, transmit, baud });
  wire.send([7, 8], 0);
  board.scheduler.runFor(1);
  expect(s.read()).toBe(7);
  s.format = 'buffer';
  expect(new Uint8Array(s.read() as ArrayBuffer)).toEqual(Uint8Array.of(8));
  expect(() => (s.format = 'string' as 'buffer')).toThrow();
  s.close();
});

test('write: the part gets the bytes when the last is on the wire; a write that does not fit throws, nothing partial', () => {
  const writable: { at: number; n: number }[] = [];
  const s = new HostSerial({ port, receive, transmit, baud, format: 'buffer', onWritable: (n) => writable.push({ at: board.scheduler.now(), n }) });
  board.scheduler.runFor(0);
  expect(writable).toEqual([{ at: 0, n: FIFO_LENGTH }]);
  s.write(Uint8Array.from(range(96)));
  expect(() => s.write(new Uint8Array(33))).toThrow('output full');
  s.write(new Uint8Array(32).buffer);
  expect(() => s.write(new Uint8Array(1))).toThrow('output full');
  board.scheduler.runFor(200);
  // 96 bytes at 960 bytes/s: 100 ms; then 32 more: 133.3 ms.
  expect(wire.received.map((r) => [r.at, r.bytes.length])).toEqual([[100, 96], [134, 32]]);
  // onWritable when 10 bytes remain in the FIFO.
  expect(writable[1].n).toBeGreaterThanOrEqual(FIFO_LENGTH - 10);
  expect(writable[1].at).toBeLessThan(134);
  s.close();
});

test('a port with no part attached never receives, and what it writes goes nowhere', () => {
  const calls: number[] = [];
  const s = new HostSerial({ port: 2, receive: 10, transmit: 11, baud, format: 'buffer', onReadable: (n) => calls.push(n) });
  s.write(Uint8Array.of(1, 2, 3));
  board.scheduler.runFor(1000);
  expect(calls).toEqual([]);
  expect(s.read()).toBeUndefined();
  s.close();
});

test('after close the part is disconnected and a pending callback does not run', () => {
  const calls: number[] = [];
  const s = new HostSerial({ port, receive, baud, format: 'buffer', onReadable: (n) => calls.push(n) });
  wire.toDevice!(Uint8Array.from(range(RX_FULL_THRESHOLD)));
  expect(calls).toEqual([]);
  s.close();
  board.scheduler.runFor(10);
  expect(calls).toEqual([]);
  expect(wire.toDevice).toBeUndefined();
});
