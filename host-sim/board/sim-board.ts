// A simulated body camera below the ECMA-419 line: the parts on its buses and pins, and
// the virtual time they live in. The host IO classes (host-sim/io/) find their part here by
// bus, address and pin, exactly as the real classes reach real parts.
import { Scheduler } from '../time/scheduler';

/** A part on an I2C bus: the bytes a controller writes to it and reads from it (one transaction each). */
export interface I2cTarget {
  write(data: Uint8Array, stop: boolean): void;
  read(length: number, stop: boolean): Uint8Array;
}

/** A part on a UART: bytes it receives from the device; `toDevice` is how it sends (set while a port is open). */
export interface SerialPart {
  fromDevice(data: Uint8Array): void;
  toDevice?: ((data: Uint8Array) => void) | undefined;
  /** Called when the device opens (true) or closes (false) its port. */
  connected?(open: boolean): void;
}

/** Whatever drives or is driven by a digital pin. */
export interface DigitalPart {
  /** The level the part puts on the pin (inputs); undefined when it does not drive it. */
  level?(): number | undefined;
  /** The level the device drives (outputs). */
  driven?(value: number, atMs: number): void;
  /** The part tells the pin its level changed (a button); the Digital class subscribes. */
  watch?(onChange: () => void): () => void;
}

/** A voltage on an analog pin. */
export interface AnalogPart {
  millivolts(): number;
}

/** The camera module: a JPEG image of the scene at a time. Throws to report a camera fault. */
export interface CameraPart {
  jpeg(width: number, height: number, frame: number, atMs: number, quality: number): Uint8Array;
}

/** The microphone: 16-bit mono samples of what it hears from `firstSample` on. Throws to report a fault. */
export interface MicrophonePart {
  capture(firstSample: number, count: number, sampleRate: number): Int16Array;
}

/** The speaker: samples played from a time on (the microphone may hear them). */
export interface SpeakerPart {
  play(samples: Int16Array, sampleRate: number, atMs: number): void;
}

export class SimBoard {
  readonly scheduler: Scheduler;
  readonly i2c = new Map<number, Map<number, I2cTarget>>();
  readonly serial = new Map<number, SerialPart>();
  readonly digital = new Map<number, DigitalPart>();
  readonly analog = new Map<number, AnalogPart>();
  camera: CameraPart | undefined;
  /**
   * ms between sensor frames (the OV2640 gives 25 fps, 40 ms). A long simulation may run
   * the sensor at the rate the firmware keeps, to spare the host encoding frames that
   * would be dropped anyway.
   */
  cameraFrameInterval: number | undefined;
  /** esp32-camera jpeg_quality the device build sets (manifest defines.camera.jpeg_quality). */
  cameraJpegQuality: number | undefined;
  microphone: MicrophonePart | undefined;
  speaker: SpeakerPart | undefined;

  constructor(scheduler = new Scheduler()) {
    this.scheduler = scheduler;
  }

  attachI2c(port: number, address: number, part: I2cTarget): void {
    let bus = this.i2c.get(port);
    if (!bus) this.i2c.set(port, (bus = new Map()));
    if (bus.has(address)) throw new Error(`I2C port ${port}: address 0x${address.toString(16)} taken`);
    bus.set(address, part);
  }

  attachSerial(port: number, part: SerialPart): void {
    if (this.serial.has(port)) throw new Error(`serial port ${port} taken`);
    this.serial.set(port, part);
  }

  attachDigital(pin: number, part: DigitalPart): void {
    if (this.digital.has(pin)) throw new Error(`pin ${pin} taken`);
    this.digital.set(pin, part);
  }

  attachAnalog(pin: number, part: AnalogPart): void {
    if (this.analog.has(pin)) throw new Error(`analog pin ${pin} taken`);
    this.analog.set(pin, part);
  }
}
