import Digital from 'embedded:io/digital';
import { useBoard } from '../../../host-sim/board/current';
import { Buttons, type ButtonName, type ButtonsOptions } from '../../../hal/controls/buttons';
import { BOARD } from '../../../hal/board';
import { controlsRig, type ControlsRig } from './rig';

afterEach(() => useBoard(undefined));

type Event = [at: number, gesture: string, button?: ButtonName];

function buttons(rig: ControlsRig, timing: Partial<ButtonsOptions> = {}): { events: Event[]; buttons: Buttons } {
  const events: Event[] = [];
  const now = () => rig.board.scheduler.now();
  const b = new Buttons({
    Digital,
    pins: BOARD.buttons,
    ...timing,
    onPress: (n) => events.push([now(), 'press', n]),
    onLongPress: (n) => events.push([now(), 'long', n]),
    onDoublePress: (n) => events.push([now(), 'double', n]),
    onCombo: () => events.push([now(), 'combo']),
  });
  return { events, buttons: b };
}

test.each([1, 2, 3, 4, 5])('a bouncing short press is one press, reported on release after the debounce (seed %i)', (seed) => {
  const rig = controlsRig(seed);
  const { events } = buttons(rig);
  rig.record.press(1000, 200);
  rig.until(5000);
  // The contact really bounced, several edges each way.
  expect(rig.record.transitions.length).toBeGreaterThan(2);
  expect(events).toHaveLength(1);
  const [at, gesture, name] = events[0];
  expect([gesture, name]).toEqual(['press', 'record']);
  expect(at).toBeGreaterThanOrEqual(1200 + 30);
  expect(at).toBeLessThanOrEqual(1200 + 5 + 30);
});

test('a 1.6 s hold is one long press, reported at 1.5 s while still held, and nothing on release', () => {
  const rig = controlsRig(9);
  const { events, buttons: b } = buttons(rig);
  rig.record.press(1000, 1600);
  rig.until(2499);
  expect(events).toEqual([]);
  rig.until(2500);
  expect(events).toEqual([[2500, 'long', 'record']]);
  expect(b.isDown('record')).toBe(true);
  rig.until(10_000);
  expect(events).toEqual([[2500, 'long', 'record']]);
  expect(b.isDown('record')).toBe(false);
});

test('a glitch shorter than the debounce is nothing', () => {
  const rig = controlsRig(3);
  const { events } = buttons(rig);
  rig.mark.press(500, 8);
  rig.until(2000);
  expect(events).toEqual([]);
});

test('both buttons held together make one combo and no single gestures', () => {
  const rig = controlsRig(4);
  const { events } = buttons(rig);
  rig.record.press(1000, 2500);
  rig.mark.press(1100, 2000);
  rig.until(10_000);
  // Combo 500 ms after the second button went down; the hold past 1.5 s is no long press.
  expect(events).toEqual([[1600, 'combo']]);
});

test('letting go before the combo time abandons it; the buttons then work alone', () => {
  const rig = controlsRig(5);
  const { events } = buttons(rig);
  rig.record.press(1000, 300);
  rig.mark.press(1100, 100);
  rig.mark.press(3000, 100);
  rig.until(10_000);
  expect(events.map((e) => e.slice(1))).toEqual([['press', 'mark']]);
});

test('the thresholds are configurable', () => {
  const rig = controlsRig(6);
  const { events, buttons: b } = buttons(rig, { longPressMs: 3000, debounceMs: 50 });
  expect(b.timing).toEqual({ debounceMs: 50, longPressMs: 3000, comboMs: 500, doublePressMs: 0 });
  rig.mark.press(0, 2000);
  rig.mark.press(5000, 4000);
  rig.until(20_000);
  expect(events).toEqual([
    [expect.any(Number), 'press', 'mark'],
    [8000, 'long', 'mark'],
  ]);
});

test('with a double-press window, two quick presses are one double press and a lone press waits out the window', () => {
  const rig = controlsRig(8);
  const { events } = buttons(rig, { doublePressMs: 400 });
  rig.mark.press(1000, 100);
  rig.mark.press(1300, 100);
  rig.record.press(3000, 100);
  rig.until(10_000);
  expect(events.map((e) => e.slice(1))).toEqual([['double', 'mark'], ['press', 'record']]);
  const single = events[1][0];
  expect(single).toBeGreaterThanOrEqual(3100 + 30 + 400);
});

test('a button held at start is no gesture; close stops everything', () => {
  const rig = controlsRig(2);
  rig.record.down(0);
  rig.until(100);
  const { events, buttons: b } = buttons(rig);
  rig.record.up(500);
  rig.until(2000);
  expect(events).toEqual([]);
  rig.mark.press(3000, 2000);
  rig.until(3100);
  b.close();
  rig.until(10_000);
  expect(events).toEqual([]);
});
