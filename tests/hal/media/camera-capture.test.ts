import { decode } from 'jpeg-js';
import { CameraCapture, type CapturedFrame } from '../../../hal/media/camera-capture';
import { stampArea } from '../../../host-sim/models/camera';
import { mediaSim } from './sim';

interface Kept {
  number: number;
  ticks: number;
  jpeg: Uint8Array;
}

function capture(rate: number, faults: string[], kept: Kept[], width = 96, height = 96) {
  return new CameraCapture({
    width,
    height,
    rate,
    onFrame: (f: CapturedFrame) => kept.push({ number: f.number, ticks: f.ticks, jpeg: new Uint8Array(f.jpeg.slice(0)) }),
    onFault: (reason) => faults.push(reason),
  });
}

test.each([5, 10, 12.5])('keeps %d fps from the 25 fps sensor, numbered, on the virtual clock', (rate) => {
  const sim = mediaSim();
  const kept: Kept[] = [];
  const faults: string[] = [];
  const cap = capture(rate, faults, kept);
  cap.start();
  sim.run(10_000);
  cap.stop();
  expect(faults).toEqual([]);
  expect(kept.length).toBeGreaterThanOrEqual(rate * 10 - 1);
  expect(kept.length).toBeLessThanOrEqual(rate * 10 + 1);
  expect(kept.map((f) => f.number)).toEqual(kept.map((_, i) => i));
  // Frame i is read within one sensor period (40 ms) of start + i / rate: no drift, no burst.
  for (const f of kept) expect(Math.abs(f.ticks - f.number * (1000 / rate))).toBeLessThanOrEqual(40);
  expect(cap.kept + cap.skipped).toBe(250);
  cap.close();
});

test('kept frames are distinct JPEGs: the stamped frame number differs', () => {
  const sim = mediaSim();
  const kept: Kept[] = [];
  const cap = capture(5, [], kept, 160, 120);
  cap.start();
  sim.run(1000);
  cap.close();
  expect(kept.map((f) => f.ticks)).toEqual([40, 200, 400, 600, 800, 1000]);
  const imgs = kept.map((f) => {
    expect([f.jpeg[0], f.jpeg[1], f.jpeg[f.jpeg.length - 2], f.jpeg[f.jpeg.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    return decode(f.jpeg, { useTArray: true });
  });
  const a = stampArea(160, 120);
  const stampDiff = (x: Uint8Array, y: Uint8Array) => {
    let d = 0;
    for (let r = a.y; r < a.y + a.height; r++) for (let c = a.x; c < a.x + a.width; c++) d += Math.abs(x[(r * 160 + c) * 4] - y[(r * 160 + c) * 4]);
    return d;
  };
  for (let i = 1; i < imgs.length; i++) expect(stampDiff(imgs[i - 1].data, imgs[i].data)).toBeGreaterThan(10 * 255);
});

test('the held frame goes back after onFrame: capture never exhausts the three buffers', () => {
  const sim = mediaSim();
  const kept: Kept[] = [];
  const cap = capture(25, [], kept);
  cap.start();
  sim.run(2000);
  cap.close();
  expect(kept.length).toBe(50);
});

test('a camera error reaches onFault and stops capture', () => {
  const sim = mediaSim();
  const kept: Kept[] = [];
  const faults: string[] = [];
  const cap = capture(10, faults, kept);
  cap.start();
  sim.run(500);
  sim.camera.fault = 'error';
  sim.run(2000);
  expect(faults).toEqual(['camera error: camera module fault']);
  expect(kept.length).toBe(5);
  cap.close();
});

test('a camera that stops delivering is reported as stalled', () => {
  const sim = mediaSim();
  const faults: string[] = [];
  const cap = capture(10, faults, []);
  cap.start();
  sim.run(500);
  sim.camera.fault = 'blank';
  sim.run(3000);
  expect(faults).toHaveLength(1);
  expect(faults[0]).toMatch(/^camera stalled/);
  cap.close();
});

test('unsupported dimensions throw from the constructor', () => {
  mediaSim();
  expect(() => new CameraCapture({ width: 100, height: 75, rate: 10, onFrame() {}, onFault() {} })).toThrow('unsupported dimensions');
});
