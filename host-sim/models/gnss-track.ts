// Where the simulated receiver truly is: a track of timed waypoints, linearly interpolated
// (a few seconds between waypoints keeps the error of straight lines in degrees negligible),
// and seeded measurement noise on top of it.
import type { Random } from '../random';

export interface TrackPoint {
  /** ms on the track's time axis (see GnssReceiverOptions.trackStart). */
  t: number;
  /** Degrees, WGS 84. */
  lat: number;
  lon: number;
  /** Metres above mean sea level. */
  alt: number;
  /** m/s over ground. */
  speed: number;
  /** Degrees true. */
  heading: number;
}

export type Position = Omit<TrackPoint, 't'>;

/** Metres per degree of latitude (mean). */
export const METRES_PER_DEGREE = 111_320;

/** The true position at track time t: clamped to the first and last waypoints. */
export function positionAt(track: readonly TrackPoint[], t: number): Position {
  if (track.length === 0) throw new RangeError('empty track');
  let i = 0;
  while (i + 1 < track.length && track[i + 1].t <= t) i++;
  const a = track[i];
  const b = track[i + 1];
  if (!b || t <= a.t) return { lat: a.lat, lon: a.lon, alt: a.alt, speed: a.speed, heading: a.heading };
  const k = (t - a.t) / (b.t - a.t);
  const turn = ((((b.heading - a.heading) % 360) + 540) % 360) - 180;
  return {
    lat: a.lat + (b.lat - a.lat) * k,
    lon: a.lon + (b.lon - a.lon) * k,
    alt: a.alt + (b.alt - a.alt) * k,
    speed: a.speed + (b.speed - a.speed) * k,
    heading: (((a.heading + turn * k) % 360) + 360) % 360,
  };
}

/** Horizontal distance in metres between two nearby positions (equirectangular). */
export function distanceMetres(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dy = (lat2 - lat1) * METRES_PER_DEGREE;
  const dx = (lon2 - lon1) * METRES_PER_DEGREE * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

/** A standard normal deviate (Box–Muller). */
export function gaussian(random: Random): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The position with horizontal noise of standard deviation sigma metres per axis (vertical 1.5 σ, as GNSS is worse vertically). */
export function withNoise(p: Position, sigma: number, random: Random): Position {
  if (!(sigma > 0)) return p;
  const north = gaussian(random) * sigma;
  const east = gaussian(random) * sigma;
  const up = gaussian(random) * sigma * 1.5;
  return {
    ...p,
    lat: p.lat + north / METRES_PER_DEGREE,
    lon: p.lon + east / (METRES_PER_DEGREE * Math.cos((p.lat * Math.PI) / 180)),
    alt: p.alt + up,
  };
}
