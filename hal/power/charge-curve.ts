// State of charge from a Li-ion cell's resting voltage: a piecewise-linear table of a typical
// 1S LiCoO2 discharge at low rate, 4.2 V full to 3.0 V empty. Voltage is a rough gauge (the
// curve is flat in the middle), which is why the monitor smooths and corrects for load.

/** [mV, percent], by rising voltage. */
export const DISCHARGE_CURVE: readonly (readonly [mv: number, percent: number])[] = [
  [3000, 0], [3300, 1], [3500, 3], [3600, 5], [3680, 10], [3710, 15], [3730, 20], [3770, 30],
  [3800, 40], [3840, 50], [3870, 60], [3950, 70], [4020, 80], [4110, 90], [4200, 100],
];

/** Percent (0…100, fractional) for a resting cell voltage in mV. */
export function percentFromMillivolts(mv: number): number {
  const t = DISCHARGE_CURVE;
  if (mv <= t[0][0]) return 0;
  for (let i = 1; i < t.length; i++) {
    const [v1, p1] = t[i];
    if (mv <= v1) {
      const [v0, p0] = t[i - 1];
      return p0 + ((p1 - p0) * (mv - v0)) / (v1 - v0);
    }
  }
  return 100;
}
