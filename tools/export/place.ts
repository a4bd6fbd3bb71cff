// Where a recording was made, from its GNSS fixes (art. 15 "where").
import type { FixSample } from './recordings';
import { noteTime, type NoteTime } from './time';

export interface NoteFix {
  /** Degrees, north positive. */
  latitude: number;
  /** Degrees, east positive. */
  longitude: number;
  altitudeM: number;
  satellites: number;
  hdop: number;
  quality: string;
  at: NoteTime;
}

export interface NotePlace {
  /** Valid fixes recorded. */
  fixes: number;
  first: NoteFix | null;
  last: NoteFix | null;
  /** Farthest distance of any fix from the first, metres. */
  spreadM: number;
  text: { en: string; zh: string };
}

function toFix(f: FixSample, offset: number): NoteFix {
  return {
    latitude: f.latitude / 1e7,
    longitude: f.longitude / 1e7,
    altitudeM: f.altitude / 100,
    satellites: f.satellites,
    hdop: f.hdop / 100,
    quality: f.quality,
    at: noteTime(f.at, offset),
  };
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function distanceM(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function coordinates(f: { latitude: number; longitude: number }): string {
  const lat = `${Math.abs(f.latitude).toFixed(6)}° ${f.latitude < 0 ? 'S' : 'N'}`;
  const lon = `${Math.abs(f.longitude).toFixed(6)}° ${f.longitude < 0 ? 'W' : 'E'}`;
  return `${lat}, ${lon}`;
}

export function placeOf(fixes: readonly FixSample[], offset: number): NotePlace {
  const valid = fixes.filter((f) => f.quality !== 'invalid').map((f) => toFix(f, offset));
  if (valid.length === 0)
    return { fixes: 0, first: null, last: null, spreadM: 0, text: { en: 'no GNSS fix during the recording', zh: '录制期间无卫星定位' } };
  const first = valid[0];
  const last = valid[valid.length - 1];
  const spreadM = Math.round(Math.max(...valid.map((f) => distanceM(first, f))));
  const en = `${coordinates(first)} (GNSS, first of ${valid.length} fixes; all within ${spreadM} m)`;
  const zh = `${coordinates(first)}（卫星定位，共 ${valid.length} 次定位，均在 ${spreadM} 米范围内）`;
  return { fixes: valid.length, first, last, spreadM, text: { en, zh } };
}
