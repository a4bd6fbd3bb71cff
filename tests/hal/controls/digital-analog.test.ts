import Digital from 'embedded:io/digital';
// The host class itself: @moddable/typings' Analog lacks close(), which Moddable's has.
import Analog from '../../../host-sim/io/analog';
import { useBoard } from '../../../host-sim/board/current';
import { controlsRig } from './rig';
import { ButtonModel } from '../../../host-sim/models/button';
import { BOARD } from '../../../hal/board';

afterEach(() => useBoard(undefined));

test("Moddable's constants", () => {
  expect([Digital.Input, Digital.InputPullUp, Digital.InputPullDown, Digital.InputPullUpDown, Digital.Output, Digital.OutputOpenDrain]).toEqual([0, 1, 2, 3, 8, 9]);
  expect([Digital.Rising, Digital.Falling]).toEqual([1, 2]);
});

test('an undriven input reads its pull; a closed button reads low', () => {
  const rig = controlsRig();
  rig.board.attachDigital(30, {});
  const up = new Digital({ pin: BOARD.buttons.record, mode: Digital.InputPullUp });
  const down = new Digital({ pin: 30, mode: Digital.InputPullDown });
  expect(up.read()).toBe(1);
  expect(down.read()).toBe(0);
  rig.record.down(10);
  rig.until(20);
  expect(up.read()).toBe(0);
  up.close();
  down.close();
});

test('edge callbacks are deferred, matched to the edge, called with this = the instance', () => {
  const rig = controlsRig(7);
  const calls: { t: number; level: number; self: boolean }[] = [];
  const target = { tag: 'x' };
  const pin = new Digital({
    pin: BOARD.buttons.record,
    mode: Digital.InputPullUp,
    edge: Digital.Falling,
    target,
    onReadable(this: Digital) {
      calls.push({ t: rig.board.scheduler.now(), level: this.read(), self: this === pin });
    },
  } as ConstructorParameters<typeof Digital>[0]);
  expect((pin as unknown as { target: unknown }).target).toBe(target);
  rig.record.press(100, 200);
  rig.until(99);
  expect(calls).toEqual([]);
  rig.until(1000);
  // Only falling edges (contact closing, bounces included) called back; all at or after the press.
  expect(calls.length).toBeGreaterThanOrEqual(2);
  expect(calls.every((c) => c.self && c.t >= 100)).toBe(true);
  expect(calls[0]).toEqual({ t: 100, level: 0, self: true });
  const falls = rig.record.transitions.filter((t) => t.closed).length;
  expect(calls.length).toBe(falls);
  pin.close();
});

test('onReadable needs an edge; close is idempotent and everything else throws after it', () => {
  controlsRig();
  expect(() => new Digital({ pin: 1, mode: Digital.InputPullUp, onReadable() {} } as never)).toThrow(RangeError);
  const out = new Digital({ pin: BOARD.led.pin, mode: Digital.Output });
  expect(() => new Digital({ pin: BOARD.led.pin, mode: Digital.Output })).toThrow(/in use/);
  out.close();
  out.close();
  expect(() => out.write(1)).toThrow();
  expect(() => out.read()).toThrow();
  // The pin is free again.
  new Digital({ pin: BOARD.led.pin, mode: Digital.Output }).close();
});

test('outputs report each level with the virtual time; inputs refuse writes', () => {
  const rig = controlsRig();
  const out = new Digital({ pin: BOARD.led.pin, mode: Digital.Output });
  rig.until(50);
  out.write(1);
  rig.until(80);
  out.write(0);
  expect(rig.led.levels).toEqual([{ atMs: 0, value: 0 }, { atMs: 50, value: 1 }, { atMs: 80, value: 0 }]);
  expect(out.read()).toBe(0);
  const input = new Digital({ pin: BOARD.buttons.mark, mode: Digital.InputPullUp });
  expect(() => input.write(1)).toThrow();
  input.close();
  out.close();
});

test('a callback pending at close is not called', () => {
  const rig = controlsRig();
  const clean = new ButtonModel(rig.board.scheduler, { bounceMs: 0 });
  rig.board.attachDigital(33, clean);
  let called = 0;
  const pin = new Digital({ pin: 33, mode: Digital.InputPullUp, edge: Digital.Rising + Digital.Falling, onReadable: () => called++ });
  clean.down(10);
  rig.until(20);
  expect(called).toBe(1);
  clean.up(100);
  rig.board.scheduler.set(() => pin.close(), 100 - rig.board.scheduler.now()); // set after the button's timer: runs between the edge and its callback
  rig.until(200);
  expect(called).toBe(1);
});

test('Analog: ESP32-S3 calibrated 12-bit mapping with a few LSB of seeded noise, clipped at full scale', () => {
  const rig = controlsRig();
  rig.board.attachAnalog(31, { millivolts: () => 1225 });
  rig.board.attachAnalog(32, { millivolts: () => 3300 });
  const a = new Analog({ pin: 31 });
  const b = new Analog({ pin: 32 });
  expect(a.resolution).toBe(12);
  const values = Array.from({ length: 200 }, () => a.read());
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  expect(Math.abs(mean - 2048)).toBeLessThan(1);
  expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0);
  expect(Math.max(...values.map((v) => Math.abs(v - 2048)))).toBeLessThanOrEqual(3);
  expect(b.read()).toBeLessThanOrEqual(4095);
  expect(b.read()).toBeGreaterThan(4090);
  // Same pin, same noise: deterministic.
  a.close();
  const again = new Analog({ pin: 31 });
  expect(Array.from({ length: 200 }, () => again.read())).toEqual(values);
  again.close();
  again.close();
  expect(() => again.read()).toThrow();
  expect(() => new Analog({ pin: 31, resolution: 10 })).toThrow(RangeError);
});
