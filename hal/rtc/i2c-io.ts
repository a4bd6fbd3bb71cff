// What the RTC driver needs of an ECMA-419 I2C class (the one passed as `clock.io`):
// the standard buffer read/write with an optional stop, and close. Declared here because
// the @moddable/typings I2C declaration lacks close().

export type ByteBuffer = ArrayBuffer | ArrayBufferView;

export interface I2cIo {
  write(buffer: ByteBuffer, stop?: boolean): unknown;
  read(byteLength: number, stop?: boolean): ArrayBuffer;
  close(): void;
}

/** ECMA-419 I2C options (unknown keys such as `io` are ignored by the class). */
export interface I2cOptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
  [key: string]: unknown;
}

export interface I2cIoClass {
  new (options: I2cOptions): I2cIo;
}

/** An I2C part on a bus (the RTC's `clock`, the secure element's `sensor`): the I2C class and its options; hz and address have defaults. */
export interface I2cPartOptions {
  io: I2cIoClass;
  data: number;
  clock: number;
  hz?: number;
  address?: number;
  port?: number;
}
