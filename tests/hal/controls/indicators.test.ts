import Digital from 'embedded:io/digital';
import I2C from 'embedded:io/i2c';
import { Pca9554 } from '../../../hal/controls/pca9554';
import type { I2cIoClass } from '../../../hal/rtc/i2c-io';
import { useBoard } from '../../../host-sim/board/current';
import { Indicators } from '../../../hal/controls/indicators';
import { LED } from '../../../hal/controls/patterns';
import { BOARD } from '../../../hal/board';
import { controlsRig } from './rig';

afterEach(() => useBoard(undefined));

/** The indicators as firmware/main.ts wires them: the motor on the I/O expander's pin. */
function indicators(expander: Pca9554) {
  const { expanderPin, activeLow } = BOARD.vibration;
  return new Indicators({ Digital, led: BOARD.led, vibration: { output: expander.output(expanderPin, activeLow ? 1 : 0), activeLow } });
}

function setup() {
  const rig = controlsRig();
  const expander = new Pca9554({ sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.expander.address } });
  return { rig, ind: indicators(expander), expander };
}

test('the LED is active low and starts off; standby blinks 100 ms every 3 s', () => {
  const { rig, ind } = setup();
  // (An ESP32 output starts at 0, lighting an active-low LED until the driver writes it.)
  expect(rig.led.levels).toEqual([{ atMs: 0, value: 0 }, { atMs: 0, value: 1 }]);
  expect(rig.led.isOnAt(0)).toBe(false);
  ind.state('standby');
  rig.until(9_000);
  expect(rig.led.onIntervals(0, 9_000)).toEqual([
    { start: 0, end: 100 },
    { start: 3000, end: 3100 },
    { start: 6000, end: 6100 },
  ]);
});

test('recording is steadily on; a warning shows over it and recording comes back when it ends', () => {
  const { rig, ind } = setup();
  ind.state('recording');
  rig.until(1000);
  expect(rig.led.onTime(0, 1000)).toBe(1000);
  ind.warning(true);
  expect(ind.led.current).toBe(LED.warning);
  rig.until(2000);
  // Dark for 100 ms, so the change shows at once, then 100 ms on / 100 ms off.
  expect(rig.led.isOnAt(1050)).toBe(false);
  expect(rig.led.onIntervals(1000, 2000).map((i) => i.start)).toEqual([1100, 1300, 1500, 1700, 1900]);
  expect(rig.led.pulses(1001, 1900)).toEqual(Array(4).fill(100));
  // Switching the base state to standby does not hide the warning either.
  ind.state('standby');
  rig.until(3000);
  expect(ind.led.current).toBe(LED.warning);
  ind.state('recording');
  ind.warning(false);
  rig.until(5000);
  expect(ind.led.current).toBe(LED.recording);
  expect(rig.led.isOnAt(4000)).toBe(true);
  expect(rig.led.onTime(3000, 5000)).toBe(2000);
  ind.state('off');
  rig.until(6000);
  expect(rig.led.onTime(5000, 6000)).toBe(0);
});

test('vibration: confirm is one short buzz, refused two, critical one long', () => {
  const { rig, ind } = setup();
  ind.confirm();
  rig.until(1000);
  ind.refused();
  rig.until(2000);
  ind.critical();
  rig.until(4000);
  expect(rig.vibration.pulses(0, 1000)).toEqual([150]);
  expect(rig.vibration.pulses(1000, 2000)).toEqual([150, 150]);
  expect(rig.vibration.pulses(2000, 4000)).toEqual([1000]);
  expect(ind.vibration.current).toBeUndefined();
  expect(rig.vibration.isOnAt(3999)).toBe(false);
});

test('a critical buzz interrupts a confirm; a confirm asked for during a critical waits for it', () => {
  const { rig, ind } = setup();
  ind.confirm();
  rig.until(50);
  ind.critical();
  rig.until(300);
  ind.confirm();
  rig.until(3000);
  // Confirm cut at 50 ms, a gap, the whole critical, a gap, then the confirm asked for during it.
  expect(rig.vibration.onIntervals(0, 3000)).toEqual([
    { start: 0, end: 50 },
    { start: 150, end: 1150 },
    { start: 1250, end: 1400 },
  ]);
});

test('close turns the outputs off and frees the pins', () => {
  const { rig, ind, expander } = setup();
  ind.state('recording');
  ind.critical();
  rig.until(100);
  ind.close();
  rig.until(5000);
  expect(rig.led.isOnAt(100)).toBe(false);
  expect(rig.vibration.isOnAt(100)).toBe(false);
  // The motor's pin is an input again, pulled up: the P-channel switch is off.
  expect(rig.expander.registers()[3] & (1 << BOARD.vibration.expanderPin)).not.toBe(0);
  indicators(expander).close();
});
