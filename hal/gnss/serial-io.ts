// What the GNSS driver needs of an ECMA-419 Serial class (the one passed as `sensor.io`):
// buffer-format reads of whatever has arrived, and close. Declared here because the
// @moddable/typings Serial declaration types the constructor options too narrowly to pass through.

export interface SerialIo {
  read(): ArrayBuffer | number | undefined;
  close(): void;
}

export interface SerialIoOptions {
  receive: number;
  transmit?: number;
  baud: number;
  /** Required by the @moddable/typings declaration; Moddable's default is 0. */
  port: number;
  format: 'buffer';
  onReadable: (this: SerialIo, bytes: number) => void;
}

export interface SerialIoClass {
  new (options: SerialIoOptions): SerialIo;
}

/** The `sensor` option of the GNSS class: the Serial class and its options. */
export interface GnssSerialOptions {
  io: SerialIoClass;
  receive: number;
  transmit?: number;
  baud?: number;
  port?: number;
}
