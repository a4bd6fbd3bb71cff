import { CHINA_2026, dayNumber, WorkingDays } from '../../firmware/core/policy/calendar';
import { deadlineLevel } from '../../firmware/core/policy/deadline';

const cal = new WorkingDays(CHINA_2026);
/** A moment, given in China Standard Time. */
const cst = (iso: string) => Date.parse(`${iso}+08:00`);

describe('working days (art. 14)', () => {
  test('weekends rest, holidays rest, make-up days work', () => {
    expect(cal.isWorkingDay(dayNumber('2026-11-26'))).toBe(true); // Thursday
    expect(cal.isWorkingDay(dayNumber('2026-11-28'))).toBe(false); // Saturday
    expect(cal.isWorkingDay(dayNumber('2026-10-05'))).toBe(false); // National Day holiday, a Monday
    expect(cal.isWorkingDay(dayNumber('2026-10-10'))).toBe(true); // make-up Saturday
    expect(cal.isWorkingDay(dayNumber('2026-02-14'))).toBe(true); // make-up Saturday before Spring Festival
    expect(cal.isWorkingDay(dayNumber('2026-02-16'))).toBe(false); // Spring Festival, a Monday
  });

  test('a plain week: recorded Monday, due at the end of the next Wednesday', () => {
    const d = cal.deadline(cst('2026-11-23T10:00:00'), 7);
    expect(d.day).toBe('2026-12-02');
    expect(d.at).toBe(cst('2026-12-03T00:00:00'));
    expect(d.covered).toBe(true);
  });

  test('across the National Day holiday and its make-up days', () => {
    // Recorded Tue 29 Sep: Wed 30 Sep (1), holiday 1-7 Oct, Thu 8 (2), Fri 9 (3), make-up Sat 10 (4), Mon 12 (5), Tue 13 (6), Wed 14 (7).
    expect(cal.deadline(cst('2026-09-29T15:00:00'), 7).day).toBe('2026-10-14');
    // Recorded Fri 18 Sep: make-up Sun 20 Sep counts.
    expect(cal.deadline(cst('2026-09-18T09:00:00'), 7).day).toBe('2026-09-29');
  });

  test('the local day decides, not the UTC day', () => {
    // 23:30 on Friday in China is still Friday there (15:30 UTC).
    expect(cal.dayOf(cst('2026-11-27T23:30:00'))).toBe(dayNumber('2026-11-27'));
    expect(cal.dayOf(cst('2026-11-28T00:30:00'))).toBe(dayNumber('2026-11-28'));
  });

  test('beyond the provisioned calendar only weekends are known, and the deadline says so', () => {
    const d = cal.deadline(cst('2026-12-28T10:00:00'), 7);
    expect(d.day).toBe('2027-01-06');
    expect(d.covered).toBe(false);
  });

  test('warnings: approaching, due today, overdue', () => {
    const at = cal.deadline(cst('2026-11-23T10:00:00'), 7).at; // end of Wed 2 Dec
    expect(deadlineLevel(cal, cst('2026-11-25T09:00:00'), at)).toBeUndefined();
    expect(deadlineLevel(cal, cst('2026-11-30T09:00:00'), at)).toEqual({ level: 'approaching', workingDaysLeft: 2 });
    expect(deadlineLevel(cal, cst('2026-12-02T09:00:00'), at)).toEqual({ level: 'due-today', workingDaysLeft: 0 });
    expect(deadlineLevel(cal, cst('2026-12-03T08:00:00'), at)).toEqual({ level: 'overdue', workingDaysLeft: -1 });
    expect(deadlineLevel(cal, cst('2026-12-07T08:00:00'), at)?.level).toBe('overdue');
  });
});
