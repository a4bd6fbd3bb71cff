// Wall-clock times in the unit's local offset (the chain stores UTC milliseconds).

/** "+08:00" for 480 minutes. */
export function offsetText(offsetMinutes: number): string {
  const abs = Math.abs(offsetMinutes);
  return `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "2026-11-26 08:31:00 +08:00"; "(clock unset)" when the device did not know the time. */
export function localTime(at: number | null, offsetMinutes: number): string {
  if (at === null) return '(clock unset)';
  const local = new Date(at + offsetMinutes * 60_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)} ${offsetText(offsetMinutes)}`;
}

/** "08:31:00": the time of day only, for axis ticks and event rows within one recording. */
export function localClock(at: number, offsetMinutes: number): string {
  return new Date(at + offsetMinutes * 60_000).toISOString().slice(11, 19);
}

/** "1 min 05 s", "12.5 s": a duration for people. */
export function duration(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = `${String(s % 60).padStart(2, '0')} s`;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min ${rest}` : `${m} min ${rest}`;
}
