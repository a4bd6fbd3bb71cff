// The u-blox DDC port: the model (host-sim/models/ublox-ddc.ts) at register level, and the
// driver's byte source (hal/gnss/ddc-source.ts) reading it through the host I2C class.
import I2C from 'embedded:io/i2c';
import GNSS from '../../../hal/gnss/gnss';
import { DDC_CHUNK, DDC_POLL_MS, DdcByteSource, readWaiting } from '../../../hal/gnss/ddc-source';
import type { I2cIo, I2cIoClass } from '../../../hal/rtc/i2c-io';
import { BOARD } from '../../../hal/board';
import { SimBoard, type I2cTarget, type SerialPart } from '../../../host-sim/board/sim-board';
import { useBoard } from '../../../host-sim/board/current';
import { GnssReceiver } from '../../../host-sim/models/gnss-receiver';
import { DDC_BUFFER_BYTES, DDC_TIMEOUT_MS, UbloxDdc } from '../../../host-sim/models/ublox-ddc';

/** A scripted output stream in place of the receiver model: the test says what it sends. */
class Stream implements SerialPart {
  toDevice: ((data: Uint8Array) => void) | undefined;
  received: number[] = [];
  connects = 0;
  fromDevice(data: Uint8Array): void {
    this.received.push(...data);
  }
  connected(): void {
    this.connects++;
  }
  send(text: string): void {
    this.toDevice?.(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  }
}

/** Every transaction the host made with a target: 'w' + bytes written or 'r' + count read. */
function logged(target: I2cTarget, log: string[]): I2cTarget {
  return {
    write: (data, stop) => {
      log.push(`w${[...data].map((b) => b.toString(16)).join(',')}${stop ? '' : '+'}`);
      target.write(data, stop);
    },
    read: (length, stop) => {
      log.push(`r${length}`);
      return target.read(length, stop);
    },
  };
}

let board: SimBoard;
beforeEach(() => {
  board = new SimBoard();
  useBoard(board);
});
afterEach(() => useBoard(undefined));

const ascii = (b: Uint8Array) => String.fromCharCode(...b);
const openDdc = () => new (I2C as unknown as I2cIoClass)({ ...BOARD.i2c, address: BOARD.gnss.address });

describe('model', () => {
  function port() {
    const stream = new Stream();
    const ddc = new UbloxDdc({ receiver: stream, scheduler: board.scheduler });
    return { stream, ddc };
  }

  test('output before the host first addresses the port is lost; then it waits in the buffer', () => {
    const { stream, ddc } = port();
    stream.send('$GNGGA');
    expect(ddc.waiting).toBe(0);
    expect(ddc.lostStopped).toBe(6);
    ddc.write(new Uint8Array(0), true); // an address probe starts the stream
    expect(stream.connects).toBe(1);
    stream.send('$GNRMC');
    expect(ddc.waiting).toBe(6);
  });

  test('0xFD/0xFE: the count, big-endian; the pointer then sits on 0xFF and reads the stream, 0xFF once empty', () => {
    const { stream, ddc } = port();
    ddc.write(new Uint8Array(0), true);
    stream.send('x'.repeat(300));
    ddc.write(Uint8Array.of(0xfd), false);
    expect([...ddc.read(2, true)]).toEqual([0x01, 0x2c]);
    stream.send('abc');
    // A plain read continues at 0xFF: the stream, in order, then 0xFF for every byte not there.
    expect(ascii(ddc.read(300, true))).toBe('x'.repeat(300));
    expect([...ddc.read(5, true)]).toEqual([0x61, 0x62, 0x63, 0xff, 0xff]);
    expect(ddc.waiting).toBe(0);
    // Reading past 0xFE in one go: count, then the stream, in one transaction.
    stream.send('$');
    ddc.write(Uint8Array.of(0xfd), false);
    expect([...ddc.read(4, true)]).toEqual([0x00, 0x01, 0x24, 0xff]);
  });

  test('the count is taken at the start of the transaction: its two halves always agree', () => {
    const { stream, ddc } = port();
    ddc.write(new Uint8Array(0), true);
    stream.send('y'.repeat(255));
    ddc.write(Uint8Array.of(0xfd), false);
    const high = ddc.read(1, false)[0];
    stream.send('z'); // 256 now waiting, but this transaction reads 255
    const low = ddc.read(1, true)[0];
    expect((high << 8) | low).toBe(255);
    ddc.write(Uint8Array.of(0xfd), false);
    expect([...ddc.read(2, true)]).toEqual([0x01, 0x00]);
  });

  test('reserved registers read 0 and the pointer moves on from them; a message written goes to the receiver', () => {
    const { stream, ddc } = port();
    ddc.write(new Uint8Array(0), true);
    stream.send('Q');
    ddc.write(Uint8Array.of(0xfb), false);
    expect([...ddc.read(5, true)]).toEqual([0, 0, 0, 1, 0x51]);
    ddc.write(Uint8Array.from('$PUBX,00*33\r\n', (c) => c.charCodeAt(0)), true);
    expect(ddc.messageBytes).toBe(13);
    expect(stream.received.length).toBe(13);
  });

  test('4 KB buffer: what does not fit is lost; after 1.5 s unaddressed the stream stops until addressed again', () => {
    const { stream, ddc } = port();
    ddc.write(new Uint8Array(0), true);
    stream.send('n'.repeat(DDC_BUFFER_BYTES + 100));
    expect(ddc.waiting).toBe(DDC_BUFFER_BYTES);
    expect(ddc.lostFull).toBe(100);
    ddc.read(DDC_BUFFER_BYTES, true);
    board.scheduler.runFor(DDC_TIMEOUT_MS + 1);
    stream.send('late');
    expect(ddc.waiting).toBe(0);
    expect(ddc.lostStopped).toBe(4);
    ddc.write(Uint8Array.of(0xfd), false);
    ddc.read(2, true);
    stream.send('again');
    expect(ddc.waiting).toBe(5);
  });

  test('a failed port NACKs: the host I2C class throws "read failed"/"write failed"', () => {
    const { ddc } = port();
    board.attachI2c(BOARD.i2c.port, BOARD.gnss.address, ddc);
    const io = openDdc();
    ddc.fail(true);
    expect(() => io.write(Uint8Array.of(0xfd), false)).toThrow('write failed');
    expect(() => io.read(2)).toThrow('read failed');
    ddc.fail(false);
    io.write(Uint8Array.of(0xfd), false);
    expect([...new Uint8Array(io.read(2))]).toEqual([0, 0]);
    io.close();
  });
});

describe('driver', () => {
  test('one poll: count from 0xFD, then that many bytes in chunks of DDC_CHUNK by current-address reads; none when empty', () => {
    const stream = new Stream();
    const ddc = new UbloxDdc({ receiver: stream, scheduler: board.scheduler });
    const log: string[] = [];
    board.attachI2c(BOARD.i2c.port, BOARD.gnss.address, logged(ddc, log));
    const io: I2cIo = openDdc();
    expect(readWaiting(io).length).toBe(0);
    expect(log).toEqual(['wfd+', 'r2']);
    log.length = 0;
    const text = '$GNGGA,' + 'd'.repeat(300) + '\r\n';
    stream.send(text);
    expect(ascii(readWaiting(io))).toBe(text);
    const chunks = Math.ceil(text.length / DDC_CHUNK);
    expect(log).toEqual(['wfd+', 'r2', ...Array.from({ length: chunks }, (_, i) => `r${Math.min(DDC_CHUNK, text.length - i * DDC_CHUNK)}`)]);
    expect(ddc.waiting).toBe(0);
    io.close();
  });

  test('polls every 250 ms: each epoch reaches the parser, the buffer never gets past a small fraction of 4 KB, nothing lost', () => {
    const model = new GnssReceiver({ scheduler: board.scheduler, track: [{ t: 0, lat: 24.88, lon: 104.31, alt: 1480, speed: 0, heading: 0 }] });
    const ddc = new UbloxDdc({ receiver: model, scheduler: board.scheduler });
    const log: string[] = [];
    board.attachI2c(BOARD.i2c.port, BOARD.gnss.address, logged(ddc, log));
    const samples: number[] = [];
    const gnss = new GNSS({ sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.gnss.address }, onSample: () => samples.push(board.scheduler.now()) });
    board.scheduler.runFor(60_000);
    expect(log.filter((t) => t === 'wfd+').length).toBe(60_000 / DDC_POLL_MS);
    expect(samples.length).toBeGreaterThanOrEqual(58);
    expect(ddc.lostFull).toBe(0);
    // Lost only what the receiver sent before the first poll addressed it.
    expect(ddc.lostStopped).toBeLessThan(300);
    // ~1 KB/s read every 250 ms: the buffer stays far below its 4 KB.
    expect(ddc.highWater).toBeLessThan(DDC_BUFFER_BYTES / 8);
    expect(gnss.counters).toMatchObject({ badChecksum: 0, malformed: 0, truncated: 0 });
    gnss.close();
    // Closed: no more polls.
    const polls = log.length;
    board.scheduler.runFor(5_000);
    expect(log.length).toBe(polls);
  });

  test('a bus error is reported once through onError, not at every poll; the stream resumes when the port answers', () => {
    const model = new GnssReceiver({ scheduler: board.scheduler, track: [{ t: 0, lat: 24.88, lon: 104.31, alt: 1480, speed: 0, heading: 0 }] });
    const ddc = new UbloxDdc({ receiver: model, scheduler: board.scheduler });
    board.attachI2c(BOARD.i2c.port, BOARD.gnss.address, ddc);
    const errors: unknown[] = [];
    const fixes: boolean[] = [];
    const gnss = new GNSS({
      sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.gnss.address },
      onError: (e) => errors.push(e),
      onFix: (f) => fixes.push(f),
    });
    board.scheduler.runFor(10_000);
    expect(fixes).toEqual([true]);
    ddc.fail(true);
    board.scheduler.runFor(10_000);
    expect(errors.length).toBe(1);
    expect((errors[0] as Error).message).toBe('write failed');
    expect(fixes).toEqual([true, false]); // silent for longer than the 3 s timeout
    ddc.fail(false);
    board.scheduler.runFor(10_000);
    expect(fixes).toEqual([true, false, true]);
    ddc.fail(true);
    board.scheduler.runFor(1_000);
    expect(errors.length).toBe(2); // a new outage is reported again
    gnss.close();
  });

  test('a receiver missing at power-on does not stop the driver starting; the poll period is checked', () => {
    const errors: unknown[] = [];
    const gnss = new GNSS({ sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.gnss.address }, onError: (e) => errors.push(e) });
    board.scheduler.runFor(2_000);
    expect(errors.length).toBe(1);
    expect(gnss.sample()).toBeUndefined();
    gnss.close();
    expect(() => new DdcByteSource({ io: I2C as unknown as I2cIoClass, ...BOARD.i2c, pollMs: 2000, onReadable() {} })).toThrow(/pollMs/);
  });
});
