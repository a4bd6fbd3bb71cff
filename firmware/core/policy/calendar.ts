// Working days for rule art. 14 ("stored to the designated storage within 7 working
// days"): weekends are rest days, official holidays are rest days even on weekdays, and
// make-up working days (调休上班) are working days even on weekends. The calendar is
// provisioned data; the official one for the current year ships as the default.

const MS_PER_DAY = 86_400_000;

/** A civil date in the unit's time zone, "YYYY-MM-DD". */
export type CivilDate = string;

export interface WorkCalendar {
  /** Where the calendar comes from (shown in reports). */
  source: string;
  /** Years the lists below fully cover; outside them only weekends are known. */
  years: number[];
  /** Official rest days (holidays and the days swapped into them). */
  holidays: CivilDate[];
  /** Weekend days that are official working days. */
  workdays: CivilDate[];
  /** Minutes east of UTC of the unit's civil time (China Standard Time: 480). */
  utcOffsetMinutes: number;
}

function range(from: string, to: string): CivilDate[] {
  const out: CivilDate[] = [];
  for (let d = dayNumber(from); d <= dayNumber(to); d++) out.push(civilOf(d));
  return out;
}

/** 国务院办公厅关于2026年部分节假日安排的通知 (State Council General Office, 4 November 2025). */
export const CHINA_2026: WorkCalendar = {
  source: "State Council notice on 2026 public holidays (2025-11-04)",
  years: [2026],
  holidays: [
    ...range("2026-01-01", "2026-01-03"),
    ...range("2026-02-15", "2026-02-23"),
    ...range("2026-04-04", "2026-04-06"),
    ...range("2026-05-01", "2026-05-05"),
    ...range("2026-06-19", "2026-06-21"),
    ...range("2026-09-25", "2026-09-27"),
    ...range("2026-10-01", "2026-10-07"),
  ],
  workdays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
  utcOffsetMinutes: 480,
};


/** Days since 1970-01-01 of a civil date. */
export function dayNumber(date: CivilDate): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY;
}

export function civilOf(day: number): CivilDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export class WorkingDays {
  readonly calendar: WorkCalendar;
  readonly #holidays: Set<number>;
  readonly #workdays: Set<number>;
  readonly #years: Set<number>;

  constructor(calendar: WorkCalendar) {
    this.calendar = calendar;
    this.#holidays = new Set(calendar.holidays.map(dayNumber));
    this.#workdays = new Set(calendar.workdays.map(dayNumber));
    this.#years = new Set(calendar.years);
  }

  /** The civil day (days since 1970) a moment falls on in the unit's time zone. */
  dayOf(ms: number): number {
    return Math.floor((ms + this.calendar.utcOffsetMinutes * 60_000) / MS_PER_DAY);
  }

  /** The moment a civil day ends (its next midnight, local), ms since 1970. */
  endOf(day: number): number {
    return (day + 1) * MS_PER_DAY - this.calendar.utcOffsetMinutes * 60_000;
  }

  /** Whether the calendar knows this day's year (otherwise only weekends count as rest). */
  covers(day: number): boolean {
    return this.#years.has(new Date(day * MS_PER_DAY).getUTCFullYear());
  }

  isWorkingDay(day: number): boolean {
    if (this.#workdays.has(day)) return true;
    if (this.#holidays.has(day)) return false;
    const weekday = new Date(day * MS_PER_DAY).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * The end of the n-th working day after the day of `ms` (that day itself is not
   * counted, as periods are counted in Chinese administrative law), and whether every
   * day on the way was covered by the calendar.
   */
  deadline(ms: number, workingDays: number): { at: number; day: CivilDate; covered: boolean } {
    let day = this.dayOf(ms);
    let covered = true;
    for (let n = 0; n < workingDays; ) {
      day++;
      covered &&= this.covers(day);
      if (this.isWorkingDay(day)) n++;
    }
    return { at: this.endOf(day), day: civilOf(day), covered };
  }

  /** Working days from the day of `now` to the deadline's day: 0 on the day itself, negative once past. */
  workingDaysLeft(now: number, deadlineAt: number): number {
    const today = this.dayOf(now);
    const last = this.dayOf(deadlineAt - 1);
    if (today <= last) {
      let n = 0;
      for (let d = today + 1; d <= last; d++) if (this.isWorkingDay(d)) n++;
      return n;
    }
    let n = 0;
    for (let d = last + 1; d <= today; d++) if (this.isWorkingDay(d)) n--;
    return n === 0 ? -1 : n;
  }
}
