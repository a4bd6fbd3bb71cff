// ECMA-419 Real-Time Clock (spec §16) for the NXP PCF8563 on I2C, the body camera's clock
// that keeps time on its own backup cell while the camera is off.
//
// Every read is one transaction: the register pointer written without a stop, then a
// repeated start and the read. The chip freezes its counters for the length of a
// transaction, so the seven time registers always come from the same second.
import type { ByteBuffer, I2cPartOptions, I2cIo } from './i2c-io';
import { Bit, Register, TIME_REGISTER_COUNT, decodeTime, encodeTime } from './pcf8563-registers';

export interface Pcf8563Options {
  clock: I2cPartOptions;
  target?: unknown;
}

export const PCF8563_ADDRESS = 0x51;

export default class PCF8563 {
  target: unknown;
  #io: I2cIo | undefined;

  constructor(options: Pcf8563Options) {
    const { io: IO, ...bus } = options.clock;
    const io = new IO({ hz: 400_000, address: PCF8563_ADDRESS, ...bus });
    try {
      this.#read(io, Register.CONTROL_1, 1); // throws when nothing answers at the address
    } catch (e) {
      io.close();
      throw e;
    }
    this.#io = io;
    this.target = options.target;
  }

  /** ms since 1970 (UTC), or undefined when the clock lost power (VL), is stopped, or holds an impossible time. */
  get time(): number | undefined {
    const r = this.#read(this.#open(), Register.CONTROL_1, 2 + TIME_REGISTER_COUNT);
    if (r[0] & Bit.STOP) return undefined;
    return decodeTime(r.subarray(2));
  }

  /** Writes the seven time registers in one transaction (clearing VL), then makes sure the clock runs. */
  set time(value: number | undefined) {
    const io = this.#open();
    if (value === undefined) throw new RangeError('cannot set the clock to undefined');
    const block = new Uint8Array(1 + TIME_REGISTER_COUNT);
    block[0] = Register.SECONDS;
    block.set(encodeTime(value), 1);
    io.write(block);
    const control1 = this.#read(io, Register.CONTROL_1, 1)[0];
    if (control1 & (Bit.STOP | Bit.TEST1 | Bit.TESTC)) io.write(Uint8Array.of(Register.CONTROL_1, 0));
  }

  close(): void {
    this.#io?.close();
    this.#io = undefined;
  }

  #open(): I2cIo {
    if (!this.#io) throw new Error('closed');
    return this.#io;
  }

  #read(io: I2cIo, register: number, count: number): Uint8Array {
    const pointer: ByteBuffer = Uint8Array.of(register);
    io.write(pointer, false);
    return new Uint8Array(io.read(count));
  }
}
