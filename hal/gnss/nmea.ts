// NMEA 0183 sentence parsing: GGA, RMC, GSA and GSV from any GNSS talker, as NMEA 2.x–4.11
// receivers (u-blox M8/M10, Quectel L76K, …) send them. The input is a sentence body whose
// checksum nmea-lines.ts already verified. A field that is present but not well formed
// rejects the whole sentence (undefined); an empty field is an absent value. Never throws.
export { LineAssembler, MAX_SENTENCE, type LineCounters } from './nmea-lines';

/** GP GPS, GL GLONASS, GA Galileo, GB/BD BeiDou, GQ QZSS, GI NavIC, GN combined. */
export type Talker = 'GP' | 'GL' | 'GA' | 'GB' | 'BD' | 'GQ' | 'GI' | 'GN';
const TALKERS: readonly string[] = ['GP', 'GL', 'GA', 'GB', 'BD', 'GQ', 'GI', 'GN'];

export interface Gga {
  type: 'GGA';
  talker: Talker;
  /** UTC ms since midnight; undefined before the receiver knows the time. */
  time: number | undefined;
  latitude: number | undefined;
  longitude: number | undefined;
  /** 0 invalid, 1 GNSS, 2 differential, 4 RTK fixed, 5 RTK float, 6 dead reckoning, 7 manual, 8 simulator. */
  quality: number;
  satellites: number | undefined;
  hdop: number | undefined;
  /** Metres above mean sea level. */
  altitude: number | undefined;
  /** Geoid separation, metres. */
  separation: number | undefined;
}

export interface Rmc {
  type: 'RMC';
  talker: Talker;
  time: number | undefined;
  /** Status A (valid); V is a warning. */
  valid: boolean;
  latitude: number | undefined;
  longitude: number | undefined;
  /** Speed over ground, knots. */
  knots: number | undefined;
  /** Course over ground, degrees true. */
  course: number | undefined;
  /** UTC ms since 1970 of the date's midnight. */
  date: number | undefined;
  /** NMEA 2.3+ mode: A autonomous, D differential, E estimated, M manual, N not valid, … */
  mode: string | undefined;
}

export interface Gsa {
  type: 'GSA';
  talker: Talker;
  /** 1 no fix, 2 2D, 3 3D. */
  fix: number;
  /** Satellite ids used in the solution. */
  used: number[];
  pdop: number | undefined;
  hdop: number | undefined;
  vdop: number | undefined;
  /** NMEA 4.10 GNSS system id (1 GPS, 2 GLONASS, 3 Galileo, 4 BeiDou, 5 QZSS). */
  system: number | undefined;
}

export interface SatelliteInView {
  id: number;
  elevation: number | undefined;
  azimuth: number | undefined;
  /** Carrier to noise, dB-Hz; undefined when not tracked. */
  snr: number | undefined;
}

export interface Gsv {
  type: 'GSV';
  talker: Talker;
  /** Number of GSV sentences in this group, and this one's 1-based index. */
  count: number;
  index: number;
  inView: number;
  satellites: SatelliteInView[];
  /** NMEA 4.10 signal id. */
  signal: number | undefined;
}

export type Sentence = Gga | Rmc | Gsa | Gsv;

/** Parses a verified sentence body ("GNGGA,…"); undefined for other types, other talkers or malformed fields. */
export function parseSentence(body: string): Sentence | undefined {
  const f = body.split(',');
  const address = f[0];
  if (address.length !== 5) return undefined;
  const talker = address.slice(0, 2);
  if (!TALKERS.includes(talker)) return undefined;
  let s: Sentence | undefined;
  switch (address.slice(2)) {
    case 'GGA': s = gga(talker as Talker, f); break;
    case 'RMC': s = rmc(talker as Talker, f); break;
    case 'GSA': s = gsa(talker as Talker, f); break;
    case 'GSV': s = gsv(talker as Talker, f); break;
  }
  return s;
}

/** A malformed field: parsing stops and the sentence is dropped. */
const BAD = NaN;
const DECIMAL = /^-?\d+(\.\d*)?$/;
const UNSIGNED = /^\d+$/;

function decimal(field: string): number | undefined {
  if (field === '') return undefined;
  return DECIMAL.test(field) ? Number(field) : BAD;
}

function unsigned(field: string): number | undefined {
  if (field === '') return undefined;
  return UNSIGNED.test(field) ? Number(field) : BAD;
}

function bad(...values: (number | undefined)[]): boolean {
  for (const v of values) if (v !== undefined && !(v === v)) return true;
  return false;
}

/** hhmmss[.sss] → ms since midnight. */
function timeOfDay(field: string): number | undefined {
  if (field === '') return undefined;
  if (!/^\d{6}(\.\d+)?$/.test(field)) return BAD;
  const h = Number(field.slice(0, 2));
  const m = Number(field.slice(2, 4));
  const s = Number(field.slice(4));
  if (h > 23 || m > 59 || s >= 61) return BAD;
  return Math.round(((h * 60 + m) * 60 + s) * 1000);
}

/** ddmmyy → ms since 1970 of that day's midnight UTC; two-digit years are 1980–2079 (GPS began in 1980). */
function calendarDate(field: string): number | undefined {
  if (field === '') return undefined;
  if (!/^\d{6}$/.test(field)) return BAD;
  const d = Number(field.slice(0, 2));
  const m = Number(field.slice(2, 4));
  const yy = Number(field.slice(4));
  const y = yy < 80 ? 2000 + yy : 1900 + yy;
  const t = Date.UTC(y, m - 1, d);
  // Date.UTC rolls over (31 April → 1 May): a date that does not round-trip is not a date.
  const back = new Date(t);
  if (m < 1 || m > 12 || d < 1 || back.getUTCDate() !== d || back.getUTCMonth() !== m - 1) return BAD;
  return t;
}

/** (d)ddmm.mmmm with a hemisphere letter → signed degrees. Both empty is absent; one without the other is malformed. */
function angle(value: string, hemisphere: string, degreeDigits: 2 | 3, positive: string, negative: string): number | undefined {
  if (value === '' && hemisphere === '') return undefined;
  if (hemisphere !== positive && hemisphere !== negative) return BAD;
  if (value.length < degreeDigits + 2 || !/^\d+(\.\d*)?$/.test(value)) return BAD;
  const dot = value.indexOf('.');
  if ((dot < 0 ? value.length : dot) !== degreeDigits + 2) return BAD;
  const degrees = Number(value.slice(0, degreeDigits));
  const minutes = Number(value.slice(degreeDigits));
  const limit = degreeDigits === 2 ? 90 : 180;
  if (minutes >= 60) return BAD;
  const v = degrees + minutes / 60;
  if (v > limit) return BAD;
  return hemisphere === negative ? -v : v;
}

function gga(talker: Talker, f: string[]): Gga | undefined {
  // GGA,time,lat,N,lon,E,quality,numSV,hdop,alt,M,sep,M,age,station — some receivers stop after the separation.
  if (f.length < 10) return undefined;
  const time = timeOfDay(f[1]);
  const latitude = angle(f[2], f[3], 2, 'N', 'S');
  const longitude = angle(f[4], f[5], 3, 'E', 'W');
  const quality = unsigned(f[6]);
  const satellites = unsigned(f[7]);
  const hdop = decimal(f[8]);
  const altitude = decimal(f[9]);
  const separation = f.length > 11 ? decimal(f[11]) : undefined;
  if (bad(time, latitude, longitude, quality, satellites, hdop, altitude, separation)) return undefined;
  if ((latitude === undefined) !== (longitude === undefined)) return undefined;
  if (quality === undefined || quality > 8) return undefined;
  return { type: 'GGA', talker, time, latitude, longitude, quality, satellites, hdop, altitude, separation };
}

function rmc(talker: Talker, f: string[]): Rmc | undefined {
  // RMC,time,status,lat,N,lon,E,knots,course,date,magvar,E/W[,mode[,navStatus]]
  if (f.length < 10) return undefined;
  const time = timeOfDay(f[1]);
  const status = f[2];
  if (status !== 'A' && status !== 'V') return undefined;
  const latitude = angle(f[3], f[4], 2, 'N', 'S');
  const longitude = angle(f[5], f[6], 3, 'E', 'W');
  const knots = decimal(f[7]);
  const course = decimal(f[8]);
  const date = calendarDate(f[9]);
  if (bad(time, latitude, longitude, knots, course, date)) return undefined;
  if ((latitude === undefined) !== (longitude === undefined)) return undefined;
  if ((knots !== undefined && knots < 0) || (course !== undefined && (course < 0 || course > 360))) return undefined;
  const mode = f.length > 12 ? f[12] : undefined;
  if (mode !== undefined && !/^[ADEFMNPRS]?$/.test(mode)) return undefined;
  return { type: 'RMC', talker, time, valid: status === 'A', latitude, longitude, knots, course, date, mode: mode || undefined };
}

function gsa(talker: Talker, f: string[]): Gsa | undefined {
  // GSA,opMode,navMode,sv×12,pdop,hdop,vdop[,systemId]
  if (f.length < 18 || f.length > 19) return undefined;
  if (f[1] !== 'A' && f[1] !== 'M') return undefined;
  const fix = unsigned(f[2]);
  if (fix === undefined || !(fix >= 1 && fix <= 3)) return undefined;
  const used: number[] = [];
  for (let i = 3; i < 15; i++) {
    const id = unsigned(f[i]);
    if (id === undefined) continue;
    if (!(id === id)) return undefined;
    used.push(id);
  }
  const pdop = decimal(f[15]);
  const hdop = decimal(f[16]);
  const vdop = decimal(f[17]);
  const system = f.length > 18 ? unsigned(f[18]) : undefined;
  if (bad(pdop, hdop, vdop, system)) return undefined;
  return { type: 'GSA', talker, fix, used, pdop, hdop, vdop, system };
}

function gsv(talker: Talker, f: string[]): Gsv | undefined {
  // GSV,count,index,inView,{id,elevation,azimuth,snr}×1…4[,signalId]
  const blocks = Math.floor((f.length - 4) / 4);
  const hasSignal = (f.length - 4) % 4 === 1;
  if (f.length < 4 || blocks > 4 || (!hasSignal && (f.length - 4) % 4 !== 0)) return undefined;
  const count = unsigned(f[1]);
  const index = unsigned(f[2]);
  const inView = unsigned(f[3]);
  if (count === undefined || index === undefined || inView === undefined || bad(count, index, inView)) return undefined;
  if (count < 1 || index < 1 || index > count) return undefined;
  const satellites: SatelliteInView[] = [];
  for (let b = 0; b < blocks; b++) {
    const at = 4 + b * 4;
    const id = unsigned(f[at]);
    const elevation = decimal(f[at + 1]);
    const azimuth = decimal(f[at + 2]);
    const snr = decimal(f[at + 3]);
    if (bad(id, elevation, azimuth, snr)) return undefined;
    if (id === undefined) continue;
    satellites.push({ id, elevation, azimuth, snr });
  }
  const signal = hasSignal ? unsigned(f[f.length - 1]) : undefined;
  if (bad(signal)) return undefined;
  return { type: 'GSV', talker, count, index, inView, satellites, signal };
}
