// NMEA sentences as two real receiver families write them, for the GNSS model.
//   "ublox"   u-blox M10 (NMEA 4.11): RMC, VTG, GGA, one GSA per system (with system id),
//             GSV per system with signal id; BeiDou talker GB; 5-decimal minutes, time .00.
//   "quectel" Quectel L76K (NMEA 4.10-style): GGA, GSA per system, GSV without signal id,
//             RMC (12 fields, mode A/N), VTG; BeiDou talker BD; 4-decimal minutes, time .000.
// A single-constellation receiver uses that system's talker (GP…) instead of GN.
import { SYSTEMS, type GnssSystem, type SatelliteView } from './gnss-sky';
import type { Position } from './gnss-track';

export type ReceiverProfile = 'ublox' | 'quectel';

/** One epoch's solution, as the receiver reports it. */
export interface EpochReport {
  /** The epoch's UTC time, ms since 1970; undefined while the receiver has no time. */
  utc: number | undefined;
  fix: boolean;
  /** The (noisy) solution; ignored without a fix. */
  position: Position;
  /** Geoid separation, metres. */
  separation: number;
  views: ReadonlyMap<GnssSystem, SatelliteView[]>;
  hdop: number;
  satellitesUsed: number;
}

const KNOTS_PER_MS = 3600 / 1852;

const GSV_TALKER: Record<ReceiverProfile, Record<GnssSystem, string>> = {
  ublox: { GPS: 'GP', GLONASS: 'GL', Galileo: 'GA', BeiDou: 'GB' },
  quectel: { GPS: 'GP', GLONASS: 'GL', Galileo: 'GA', BeiDou: 'BD' },
};

export function checksum(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, '0');
}

/** "$" body "*" checksum CR LF. */
export function sentence(body: string): string {
  return `$${body}*${checksum(body)}\r\n`;
}

/** (d)ddmm.mmmm and the hemisphere letter. */
export function formatAngle(value: number, degreeDigits: 2 | 3, decimals: number, positive: string, negative: string): [string, string] {
  const a = Math.abs(value);
  let degrees = Math.floor(a);
  let minutes = Number(((a - degrees) * 60).toFixed(decimals));
  if (minutes >= 60) {
    degrees += 1;
    minutes = 0;
  }
  const m = minutes.toFixed(decimals).padStart(decimals + 3, '0');
  return [String(degrees).padStart(degreeDigits, '0') + m, value < 0 ? negative : positive];
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function timeField(utc: number | undefined, profile: ReceiverProfile): string {
  if (utc === undefined) return '';
  const d = new Date(utc);
  const ms = d.getUTCMilliseconds();
  const frac = profile === 'ublox' ? '.' + two(Math.floor(ms / 10)) : '.' + String(ms).padStart(3, '0');
  return two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()) + frac;
}

function dateField(utc: number | undefined): string {
  if (utc === undefined) return '';
  const d = new Date(utc);
  return two(d.getUTCDate()) + two(d.getUTCMonth() + 1) + two(d.getUTCFullYear() % 100);
}

/** The sentences of one epoch, in the profile's order. */
export function epochSentences(profile: ReceiverProfile, r: EpochReport): string[] {
  const systems = [...r.views.keys()];
  const combined = systems.length === 1 ? GSV_TALKER[profile][systems[0]] : 'GN';
  const decimals = profile === 'ublox' ? 5 : 4;
  const time = timeField(r.utc, profile);
  const date = dateField(r.utc);
  const p = r.position;
  const [lat, ns] = r.fix ? formatAngle(p.lat, 2, decimals, 'N', 'S') : ['', ''];
  const [lon, ew] = r.fix ? formatAngle(p.lon, 3, decimals, 'E', 'W') : ['', ''];
  const knots = p.speed * KNOTS_PER_MS;
  const moving = p.speed >= 0.5;
  const course = r.fix && moving ? p.heading.toFixed(2) : '';
  const speed = r.fix ? knots.toFixed(profile === 'ublox' ? 3 : 2) : '';
  const sats = profile === 'ublox' ? Math.min(12, r.satellitesUsed) : r.satellitesUsed;
  const hdop = r.fix ? r.hdop.toFixed(2) : '99.99';

  const gga = r.fix
    ? `${combined}GGA,${time},${lat},${ns},${lon},${ew},1,${two(sats)},${hdop},${p.alt.toFixed(1)},M,${r.separation.toFixed(1)},M,,`
    : `${combined}GGA,${time},,,,,0,${two(sats)},${hdop},,,,,,`;
  const mode = r.fix ? 'A' : 'N';
  const rmc =
    `${combined}RMC,${time},${r.fix ? 'A' : 'V'},${lat},${ns},${lon},${ew},${speed},${course},${date},,,${mode}` + (profile === 'ublox' ? ',V' : '');
  const vtg = r.fix ? `${combined}VTG,${course},T,,M,${speed},N,${(p.speed * 3.6).toFixed(2)},K,A` : `${combined}VTG,,T,,M,,N,,K,N`;
  const pdop = r.fix ? (r.hdop * 1.8).toFixed(2) : '99.99';
  const vdop = r.fix ? (r.hdop * 1.5).toFixed(2) : '99.99';
  const gsa = systems.map((s) => {
    const used = r.fix ? r.views.get(s)!.filter((v) => v.used).map((v) => two(v.id)) : [];
    while (used.length < 12) used.push('');
    return `${combined}GSA,A,${r.fix ? 3 : 1},${used.join(',')},${pdop},${hdop},${vdop},${SYSTEMS[s].systemId}`;
  });
  const gsv = systems.flatMap((s) => gsvSentences(GSV_TALKER[profile][s], r.views.get(s)!, profile === 'ublox' ? SYSTEMS[s].signal : undefined));

  const bodies = profile === 'ublox' ? [rmc, vtg, gga, ...gsa, ...gsv] : [gga, ...gsa, ...gsv, rmc, vtg];
  return bodies.map(sentence);
}

function gsvSentences(talker: string, views: SatelliteView[], signal: number | undefined): string[] {
  const count = Math.max(1, Math.ceil(views.length / 4));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const blocks = views.slice(i * 4, i * 4 + 4).map((v) => `${two(v.id)},${two(v.elevation)},${String(v.azimuth).padStart(3, '0')},${v.snr === undefined ? '' : two(v.snr)}`);
    out.push([`${talker}GSV`, count, i + 1, two(views.length), ...blocks, ...(signal === undefined ? [] : [signal])].join(','));
  }
  return out;
}
