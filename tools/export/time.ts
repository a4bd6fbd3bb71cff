// Times as the note prints them: the unit's local time with its offset, and UTC.

/** "+08:00" for 480 minutes. */
export function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "2026-11-26 10:00:05 +08:00". */
export function localTime(ms: number, offsetMinutes: number): string {
  const iso = new Date(ms + offsetMinutes * 60_000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${offsetText(offsetMinutes)}`;
}

/** "2026-11-26T02:00:05.000Z". */
export function utcTime(ms: number): string {
  return new Date(ms).toISOString();
}

export interface NoteTime {
  local: string;
  utc: string;
}

export function noteTime(ms: number, offsetMinutes: number): NoteTime {
  return { local: localTime(ms, offsetMinutes), utc: utcTime(ms) };
}
