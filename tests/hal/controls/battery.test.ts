import Analog from 'embedded:io/analog';
import { useBoard } from '../../../host-sim/board/current';
import { BatteryMonitor, type BatteryReading } from '../../../hal/power/battery';
import { percentFromMillivolts } from '../../../hal/power/charge-curve';
import { BOARD } from '../../../hal/board';
import { controlsRig, type ControlsRig } from './rig';

afterEach(() => useBoard(undefined));

const STANDBY_MA = 80;
const RECORDING_MA = 350;

function monitor(rig: ControlsRig, compensate = true) {
  const low: { at: number; charge: number; reading: BatteryReading }[] = [];
  const critical: typeof low = [];
  const m = new BatteryMonitor({
    Analog,
    pin: BOARD.battery.pin,
    dividerRatio: BOARD.battery.dividerRatio,
    onLow: (reading) => low.push({ at: rig.board.scheduler.now(), charge: rig.battery.charge, reading }),
    onCritical: (reading) => critical.push({ at: rig.board.scheduler.now(), charge: rig.battery.charge, reading }),
  });
  /** The officer records ten minutes, pauses ten, for `ms`; the firmware tells the monitor its load. */
  const shift = (ms: number) => {
    const end = rig.board.scheduler.now() + ms;
    while (rig.board.scheduler.now() < end) {
      const recording = Math.floor(rig.board.scheduler.now() / 600_000) % 2 === 0;
      rig.battery.drawMa = recording ? RECORDING_MA : STANDBY_MA;
      if (compensate) m.loadMa = rig.battery.drawMa;
      rig.until(Math.min(end, (Math.floor(rig.board.scheduler.now() / 600_000) + 1) * 600_000));
    }
  };
  return { m, low, critical, shift };
}

test('the discharge curve: 4.2 V full, 3.0 V empty, piecewise linear between', () => {
  expect(percentFromMillivolts(4250)).toBe(100);
  expect(percentFromMillivolts(4200)).toBe(100);
  expect(percentFromMillivolts(3840)).toBe(50);
  expect(percentFromMillivolts(3720)).toBeCloseTo(17.5);
  expect(percentFromMillivolts(3000)).toBe(0);
  expect(percentFromMillivolts(2500)).toBe(0);
});

test('the reading is the cell voltage through the divider and the ADC, within a few mV', () => {
  const rig = controlsRig(1, { charge: 0.5 });
  const { m } = monitor(rig);
  rig.until(10);
  const r = m.reading!;
  expect(Math.abs(r.millivolts - rig.battery.terminalMv)).toBeLessThan(8);
  expect(Math.abs(r.percent - 50)).toBeLessThanOrEqual(2);
  m.close();
});

test.each([true, false])('a discharge with noise and the load stepping reports low once and critical once (load known: %s)', (compensate) => {
  const rig = controlsRig(1, { charge: 0.35 });
  const { m, low, critical, shift } = monitor(rig, compensate);
  shift(4 * 3_600_000);
  expect(rig.battery.charge).toBe(0);
  expect(low).toHaveLength(1);
  expect(critical).toHaveLength(1);
  expect(low[0].reading.percent).toBeLessThanOrEqual(15);
  expect(critical[0].reading.percent).toBeLessThanOrEqual(5);
  expect(critical[0].at).toBeGreaterThan(low[0].at);
  // Knowing the load, the gauge is close to the truth; blind to it, it reports early but still once.
  const slack = compensate ? 0.03 : 0.15; // 350 mA × 150 mΩ ≈ 50 mV of sag is ~12 % on the flat of the curve
  expect(low[0].charge).toBeGreaterThan(0.15 - 0.03);
  expect(low[0].charge).toBeLessThan(0.15 + slack);
  expect(critical[0].charge).toBeGreaterThan(0.05 - 0.03);
  expect(critical[0].charge).toBeLessThan(0.05 + slack);
  m.close();
});

test('after charging well past the threshold, a new discharge reports low again', () => {
  const rig = controlsRig(3, { charge: 0.2 });
  const { m, low, shift } = monitor(rig);
  shift(3_600_000);
  expect(low).toHaveLength(1);
  rig.battery.drawMa = -500; // on the charger
  m.loadMa = 0;
  rig.until(rig.board.scheduler.now() + 3_600_000);
  expect(rig.battery.charge).toBeGreaterThan(0.4);
  shift(3 * 3_600_000);
  expect(low).toHaveLength(2);
  m.close();
});

test('readings stop at close', () => {
  const rig = controlsRig();
  let readings = 0;
  const m = new BatteryMonitor({ Analog, pin: BOARD.battery.pin, dividerRatio: 2, intervalMs: 1000, onReading: () => readings++ });
  expect(readings).toBe(0); // never from the constructor
  rig.until(4500);
  expect(readings).toBe(5);
  m.close();
  m.close();
  rig.until(10_000);
  expect(readings).toBe(5);
});
