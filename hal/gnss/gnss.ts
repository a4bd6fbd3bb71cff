// The GNSS receiver as an ECMA-419 sensor (§13 pattern; ECMA-419 has no GNSS class, so the
// sample names follow W3C Geolocation as Moddable's embedded:sensor/Location does, plus
// satellites, hdop, quality and fix). It opens its byte source itself (a UART, or the
// receiver's DDC port on I2C, ddc-source.ts: the same bytes either way), assembles NMEA lines,
// merges each epoch's GGA and RMC into a sample and reports fix lost/regained with
// hysteresis through onFix, a Moddable-style extension like onSample.
import Time from 'time';
import Timer from 'timer';
import { EpochAssembler, summarize, type Epoch, type EpochSummary } from './epoch';
import { FixHysteresis, type FixHysteresisOptions } from './fix-hysteresis';
import { LineAssembler, parseSentence, type LineCounters } from './nmea';
import type { GnssSerialOptions, SerialIo, SerialIoOptions } from './serial-io';
import { DdcByteSource, type GnssDdcOptions } from './ddc-source';

export interface GnssSample {
  /** Degrees, WGS 84; undefined without a fix (as are altitude, speed and heading). */
  latitude: number | undefined;
  longitude: number | undefined;
  /** Metres above mean sea level. */
  altitude: number | undefined;
  /** Metres per second over ground. */
  speed: number | undefined;
  /** Degrees true; undefined when the receiver gives no course (standing still). */
  heading: number | undefined;
  /** Satellites used in the solution. */
  satellites: number | undefined;
  hdop: number | undefined;
  /** GGA fix quality: 0 invalid, 1 GNSS, 2 differential, 4/5 RTK, 6 dead reckoning. */
  quality: number;
  /** This epoch holds a measured fix (onFix reports the state with hysteresis). */
  fix: boolean;
  /** The epoch's UTC time, ms since 1970, when the receiver knows date and time. */
  utc: number | undefined;
  /** Time.ticks when the epoch was complete. */
  ticks: number;
}

export interface GnssOptions {
  /** A UART (receive, baud…) or the receiver's DDC port on I2C (data, clock, address…). */
  sensor: GnssSerialOptions | GnssDdcOptions;
  onSample?: (this: GNSS) => void;
  onError?: (this: GNSS, error: unknown) => void;
  /** Fix gained (true) or lost (false), after hysteresis. */
  onFix?: (this: GNSS, fixed: boolean) => void;
  hysteresis?: FixHysteresisOptions;
  /** ms without a complete epoch after which the fix counts as lost (default 3000). */
  silence?: number;
  target?: unknown;
}

export interface GnssConfiguration {
  hysteresis?: FixHysteresisOptions;
  silence?: number;
}

const DAY = 86_400_000;

export default class GNSS {
  target: unknown;
  #io: SerialIo | undefined;
  readonly #lines = new LineAssembler();
  readonly #epochs = new EpochAssembler();
  #hysteresis: FixHysteresis;
  #silence: number;
  #watchdog: Timer | undefined;
  readonly #onSample: GnssOptions['onSample'];
  readonly #onError: GnssOptions['onError'];
  readonly #onFix: GnssOptions['onFix'];
  #latest: { summary: EpochSummary; utc: number | undefined; ticks: number } | undefined;
  /** The last RMC date and the time of day it came with, to date a GGA whose RMC was lost. */
  #date: { date: number; time: number } | undefined;
  #lastEpochTicks: number;

  constructor(options: GnssOptions) {
    const sensor = options.sensor;
    this.#hysteresis = new FixHysteresis(options.hysteresis);
    this.#silence = silenceOf(options.silence);
    this.#onSample = options.onSample;
    this.#onError = options.onError;
    this.#onFix = options.onFix;
    this.target = options.target;
    this.#lastEpochTicks = Time.ticks;
    const gnss = this;
    const onReadable = () => gnss.#readable();
    this.#io = "data" in sensor ? new DdcByteSource({ ...sensor, onReadable }) : openSerial(sensor, onReadable);
    this.#watchdog = Timer.repeat(() => this.#checkSilence(), 1000);
  }

  /** The latest epoch as a new object, or undefined before the first complete epoch. */
  sample(): GnssSample | undefined {
    this.#open();
    const l = this.#latest;
    if (!l) return undefined;
    const s = l.summary;
    return {
      latitude: s.latitude,
      longitude: s.longitude,
      altitude: s.altitude,
      speed: s.speed,
      heading: s.heading,
      satellites: s.satellites,
      hdop: s.hdop,
      quality: s.quality,
      fix: s.fix,
      utc: l.utc,
      ticks: l.ticks,
    };
  }

  /** The fix state after hysteresis (what onFix last reported). */
  get fixed(): boolean {
    this.#open();
    return this.#hysteresis.fixed;
  }

  /** What the line assembler dropped, by cause (a new object). */
  get counters(): LineCounters {
    this.#open();
    const { sentences, badChecksum, malformed, overlong, truncated } = this.#lines;
    return { sentences, badChecksum, malformed, overlong, truncated };
  }

  configure(options: GnssConfiguration): void {
    this.#open();
    if (options.hysteresis !== undefined) this.#hysteresis = new FixHysteresis({ ...options.hysteresis });
    if (options.silence !== undefined) this.#silence = silenceOf(options.silence);
  }

  close(): void {
    if (!this.#io) return;
    this.#io.close();
    this.#io = undefined;
    Timer.clear(this.#watchdog);
    this.#watchdog = undefined;
  }

  #open(): SerialIo {
    if (!this.#io) throw new Error('closed');
    return this.#io;
  }

  #readable(): void {
    const io = this.#io;
    if (!io) return;
    let data: ArrayBuffer | number | undefined;
    try {
      data = io.read();
    } catch (e) {
      this.#onError?.call(this, e);
      return;
    }
    if (!(data instanceof ArrayBuffer)) return;
    this.#lines.push(new Uint8Array(data), (body) => {
      const sentence = parseSentence(body);
      const epoch = sentence && this.#epochs.accept(sentence);
      if (epoch) this.#epoch(epoch);
    });
  }

  #epoch(epoch: Epoch): void {
    const summary = summarize(epoch);
    this.#lastEpochTicks = Time.ticks;
    this.#latest = { summary, utc: this.#utc(summary), ticks: this.#lastEpochTicks };
    const changed = this.#hysteresis.update(summary.fix);
    this.#onSample?.call(this);
    if (changed !== undefined && this.#io) this.#onFix?.call(this, changed);
  }

  /** Date and time of day → ms since 1970; a GGA alone borrows the last RMC date within the same day. */
  #utc(s: EpochSummary): number | undefined {
    if (s.time === undefined) return undefined;
    if (s.date !== undefined) {
      this.#date = { date: s.date, time: s.time };
      return s.date + s.time;
    }
    const d = this.#date;
    return d && s.time >= d.time && s.time < DAY ? d.date + s.time : undefined;
  }

  #checkSilence(): void {
    if (!this.#io || Time.delta(this.#lastEpochTicks) < this.#silence) return;
    const pending = this.#epochs.flush();
    if (pending) return this.#epoch(pending);
    const l = this.#latest;
    if (l?.summary.fix) {
      const s = l.summary;
      this.#latest = { ...l, summary: { ...s, fix: false, quality: 0, latitude: undefined, longitude: undefined, altitude: undefined, speed: undefined, heading: undefined } };
    }
    if (this.#hysteresis.lose() !== undefined) this.#onFix?.call(this, false);
  }
}

function openSerial(sensor: GnssSerialOptions, onReadable: () => void): SerialIo {
  const { io: IO, receive, transmit, port, baud } = sensor;
  const serial: SerialIoOptions = { receive, baud: baud ?? 9600, port: port ?? 0, format: 'buffer', onReadable };
  if (transmit !== undefined) serial.transmit = transmit;
  return new IO(serial);
}

function silenceOf(value: number | undefined): number {
  if (value === undefined) return 3000;
  if (!(value >= 1000)) throw new RangeError('silence is at least 1000 ms');
  return value;
}
