// A multi-constellation GNSS receiver module on a UART (u-blox M10- or Quectel L76K-like).
// Once per second of world time, a little after the UTC second it describes, it computes a
// solution for where the track says it is and writes the epoch's NMEA sentences into its
// transmit buffer; the UART sends them at the baud rate (9600 baud: 960 bytes/s), so bytes
// reach the device over time. A seeded fault profile adds what real lines and skies do:
// position noise, noise bytes between sentences, corrupted characters (bad checksums),
// sentences cut short, intervals without a fix, and a cold start. It does not act on
// anything the device sends (commands are counted and ignored).
import type { SerialPart } from '../board/sim-board';
import { Random } from '../random';
import type { Scheduler, TimerHandle } from '../time/scheduler';
import { epochSentences, type EpochReport, type ReceiverProfile } from './gnss-nmea-writer';
import { Sky, type GnssSystem, type SatelliteView } from './gnss-sky';
import { positionAt, withNoise, type Position, type TrackPoint } from './gnss-track';

export interface GnssFaultProfile {
  seed?: number;
  /** Horizontal position noise, metres standard deviation per axis (vertical 1.5×). Default 0. */
  positionNoise?: number;
  /** Probability per sentence of 1–16 random bytes (any value, "$" and CR LF included) before it. */
  garbage?: number;
  /** Probability per sentence of one flipped bit in a character before the "*" (its checksum no longer matches). */
  checksumErrors?: number;
  /** Probability per sentence of being cut short (no end of line; the next "$" follows). */
  truncation?: number;
  /** Intervals on the track's time axis [from, to) without a fix (sky blocked: tunnel, garage). */
  fixLoss?: { from: number; to: number }[];
  /** ms after power-on without a fix; the time is unknown (empty time fields) for the first half. Default 0. */
  coldStart?: number;
}

export interface GnssReceiverOptions {
  scheduler: Scheduler;
  track: TrackPoint[];
  /** World time (ms since 1970) of the track's t = 0. Default: world time at construction. */
  trackStart?: number;
  profile?: ReceiverProfile;
  baud?: number;
  /** Satellites in view per system. Default per profile (u-blox GPS+Galileo+BeiDou; Quectel GPS+BeiDou). */
  satellites?: Partial<Record<GnssSystem, number>>;
  faults?: GnssFaultProfile;
  /** ms after the UTC second before the epoch's output starts. Default 60. */
  latency?: number;
  /** Transmit buffer, bytes: sentences that do not fit are dropped, as u-blox does. Default 2048. */
  txBuffer?: number;
}

/** What the receiver reported for one epoch (the simulator's ground truth for tests and logs). */
export interface EpochRecord {
  /** World time of the UTC second the epoch describes. */
  world: number;
  /** Track time of that second. */
  trackTime: number;
  fix: boolean;
  utc: number | undefined;
  /** The reported (noisy) position, when fix. */
  position: Position | undefined;
}

const DEFAULT_SATELLITES: Record<ReceiverProfile, Partial<Record<GnssSystem, number>>> = {
  ublox: { GPS: 8, Galileo: 4, BeiDou: 6 },
  quectel: { GPS: 9, BeiDou: 7 },
};
/** A restart with backup power keeps time and ephemeris: a hot start. */
const HOT_START = 1000;
const HISTORY = 3600;

export class GnssReceiver implements SerialPart {
  toDevice: ((data: Uint8Array) => void) | undefined;
  readonly profile: ReceiverProfile;
  readonly baud: number;
  readonly history: EpochRecord[] = [];
  /** Sentences dropped because the transmit buffer was full. */
  droppedSentences = 0;
  /** Bytes put on the line (whether or not a port was open to hear them). */
  bytesSent = 0;
  /** Bytes the device sent (ignored). */
  bytesReceived = 0;
  readonly #scheduler: Scheduler;
  readonly #track: TrackPoint[];
  readonly #trackStart: number;
  readonly #faults: Required<Omit<GnssFaultProfile, 'seed'>>;
  readonly #latency: number;
  readonly #txBuffer: number;
  readonly #sky: Sky;
  readonly #noise: Random;
  readonly #line: Random;
  #epochTimer: TimerHandle | undefined;
  #txTimer: TimerHandle | undefined;
  readonly #queue: Uint8Array[] = [];
  #queueOffset = 0;
  #queued = 0;
  #credit = 0;
  #poweredAt = 0;
  #startup = 0;
  #lastEpochWorld = -Infinity;

  constructor(options: GnssReceiverOptions) {
    if (!options.track?.length) throw new RangeError('track required');
    this.#scheduler = options.scheduler;
    this.#track = [...options.track].sort((a, b) => a.t - b.t);
    this.profile = options.profile ?? 'ublox';
    this.baud = options.baud ?? 9600;
    this.#trackStart = options.trackStart ?? this.#world();
    this.#latency = options.latency ?? 60;
    this.#txBuffer = options.txBuffer ?? 2048;
    const f = options.faults ?? {};
    this.#faults = {
      positionNoise: f.positionNoise ?? 0,
      garbage: f.garbage ?? 0,
      checksumErrors: f.checksumErrors ?? 0,
      truncation: f.truncation ?? 0,
      fixLoss: f.fixLoss ?? [],
      coldStart: f.coldStart ?? 0,
    };
    const random = new Random(f.seed ?? 1);
    this.#sky = new Sky(options.satellites ?? DEFAULT_SATELLITES[this.profile], random.fork());
    this.#noise = random.fork();
    this.#line = random.fork();
    this.#powerOn(this.#faults.coldStart);
  }

  fromDevice(data: Uint8Array): void {
    this.bytesReceived += data.length;
  }

  /** A port opening finds the module running; after a power cut (its timers gone) it starts again, hot. */
  connected(open: boolean): void {
    if (open && this.#world() - this.#lastEpochWorld > 2000 + this.#latency) this.#powerOn(HOT_START);
  }

  /** Whether an epoch at this track time reports a fix (ignoring start-up). */
  blockedAt(trackTime: number): boolean {
    return this.#faults.fixLoss.some((i) => trackTime >= i.from && trackTime < i.to);
  }

  /** The true position at a track time. */
  truth(trackTime: number): Position {
    return positionAt(this.#track, trackTime);
  }

  /** World time: the simulated wall clock, or the monotonic clock in a world without one. */
  #world(): number {
    return this.#scheduler.clock.wall() ?? this.#scheduler.now();
  }

  #powerOn(startup: number): void {
    const s = this.#scheduler;
    s.clear(this.#epochTimer);
    s.clear(this.#txTimer);
    this.#txTimer = undefined;
    this.#queue.length = 0;
    this.#queueOffset = 0;
    this.#queued = 0;
    this.#credit = 0;
    this.#poweredAt = this.#world();
    this.#lastEpochWorld = this.#poweredAt;
    this.#startup = startup;
    this.#scheduleEpoch();
  }

  #scheduleEpoch(): void {
    const now = this.#world();
    const due = Math.floor(now / 1000) * 1000 + 1000 + this.#latency;
    this.#epochTimer = this.#scheduler.set(() => this.#epoch(due - this.#latency), due - now);
  }

  #epoch(second: number): void {
    this.#lastEpochWorld = second;
    this.#scheduleEpoch();
    const sinceOn = second - this.#poweredAt;
    const trackTime = second - this.#trackStart;
    const timeKnown = this.#scheduler.clock.wall() !== undefined && sinceOn >= this.#startup / 2;
    const blocked = sinceOn < this.#startup || this.blockedAt(trackTime);
    const views = new Map<GnssSystem, SatelliteView[]>();
    for (const system of this.#sky.systems) views.set(system, this.#sky.view(system, sinceOn / 1000, blocked));
    let used = 0;
    for (const v of views.values()) for (const s of v) if (s.used) used++;
    const fix = !blocked && used >= 4;
    const position = withNoise(positionAt(this.#track, trackTime), this.#faults.positionNoise, this.#noise);
    const report: EpochReport = {
      utc: timeKnown ? second : undefined,
      fix,
      position,
      separation: 0,
      views,
      hdop: fix ? Number(((0.5 + 5 / used) * (0.97 + 0.06 * this.#noise.next())).toFixed(2)) : 99.99,
      satellitesUsed: fix ? used : 0,
    };
    this.history.push({ world: second, trackTime, fix, utc: report.utc, position: fix ? position : undefined });
    if (this.history.length > HISTORY) this.history.shift();
    for (const s of epochSentences(this.profile, report)) this.#enqueue(this.#damage(s));
  }

  /** The line's faults, applied to one sentence. */
  #damage(s: string): Uint8Array {
    const r = this.#line;
    const f = this.#faults;
    let bytes = Uint8Array.from(s, (c) => c.charCodeAt(0));
    if (f.checksumErrors && r.chance(f.checksumErrors)) {
      // Line noise flips a bit: a digit often stays a digit (a plausible wrong value), which only the checksum catches.
      const star = s.indexOf('*');
      bytes[1 + r.int(star - 1)] ^= 1 << r.int(7);
    }
    if (f.truncation && r.chance(f.truncation)) bytes = bytes.slice(0, 1 + r.int(bytes.length - 3));
    if (f.garbage && r.chance(f.garbage)) {
      const noise = r.bytes(1 + r.int(16));
      const out = new Uint8Array(noise.length + bytes.length);
      out.set(noise);
      out.set(bytes, noise.length);
      bytes = out;
    }
    return bytes;
  }

  #enqueue(bytes: Uint8Array): void {
    if (this.#queued + bytes.length > this.#txBuffer) {
      this.droppedSentences++;
      return;
    }
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    this.#txTimer ??= this.#scheduler.set(() => this.#transmit(), 1, 1);
  }

  /** One millisecond of the UART: baud / 10 bytes per second, sent as whole bytes. */
  #transmit(): void {
    this.#credit += this.baud / 10_000;
    let n = Math.min(Math.floor(this.#credit), this.#queued);
    this.#credit -= n;
    const out = new Uint8Array(n);
    let at = 0;
    while (n > 0) {
      const head = this.#queue[0];
      const take = Math.min(n, head.length - this.#queueOffset);
      out.set(head.subarray(this.#queueOffset, this.#queueOffset + take), at);
      at += take;
      n -= take;
      this.#queueOffset += take;
      if (this.#queueOffset === head.length) {
        this.#queue.shift();
        this.#queueOffset = 0;
      }
    }
    this.#queued -= at;
    this.bytesSent += at;
    if (at > 0) this.toDevice?.(out);
    if (this.#queued === 0) {
      this.#scheduler.clear(this.#txTimer);
      this.#txTimer = undefined;
      this.#credit = 0;
    }
  }
}
