// The host's embedded:io/image/in/camera follows Moddable's ESP32 camera.
import Camera, { type DisposableFrame } from '../../../host-sim/io/camera';
import { decode } from 'jpeg-js';
import { mediaSim } from './sim';

test('width×height must be an esp32-camera frame size; imageType must be known', () => {
  mediaSim();
  expect(() => new Camera({ width: 100, height: 100, imageType: 'jpeg' })).toThrow('unsupported dimensions');
  expect(() => new Camera({ width: 640, height: 360, imageType: 'jpeg' })).toThrow('unsupported dimensions');
  expect(() => new Camera({ width: 96, height: 96, imageType: 'png' as 'jpeg' })).toThrow('unknown imageType');
  expect(() => new Camera({ width: 96, height: 96, imageType: 'jpeg', format: 'number' as 'buffer' })).toThrow();
  for (const [width, height] of [[96, 96], [160, 120], [320, 240], [640, 480], [2560, 1920]]) new Camera({ width, height, imageType: 'jpeg' }).close();
});

test('frames come at the frame interval; onReadable(0) is deferred, with this = the camera', () => {
  const sim = mediaSim();
  const calls: [unknown, number, number][] = [];
  const cam = new Camera({
    width: 96, height: 96, imageType: 'jpeg', frameInterval: 50, target: 'slot', unknownKey: 1,
    onReadable(n) {
      calls.push([this, n, sim.now()]);
    },
  } as ConstructorParameters<typeof Camera>[0]);
  expect(cam.target).toBe('slot');
  cam.start();
  expect(calls).toHaveLength(0);
  sim.run(200);
  expect(calls.map((c) => c[2])).toEqual([50, 100, 150, 200]);
  expect(calls.every(([self, n]) => self === cam && n === 0)).toBe(true);
  const frame = cam.read() as ArrayBuffer;
  const img = decode(new Uint8Array(frame), { useTArray: true });
  expect([img.width, img.height]).toEqual([96, 96]);
  expect(cam.read()).toBeUndefined(); // grab latest: the older unread frames went back
  cam.stop();
  sim.run(200);
  expect(calls).toHaveLength(4);
  cam.close();
  cam.close();
  expect(() => cam.start()).toThrow('closed');
  expect(() => cam.read()).toThrow('closed');
});

test('buffer/disposable: three frame buffers; with all three held a capture is dropped; close() detaches', () => {
  const sim = mediaSim();
  const cam = new Camera({ width: 96, height: 96, imageType: 'jpeg', format: 'buffer/disposable', frameInterval: 40 });
  cam.start();
  const held: DisposableFrame[] = [];
  for (let i = 0; i < 3; i++) {
    sim.run(40);
    held.push(cam.read() as DisposableFrame);
  }
  expect(held.every((f) => f.byteLength > 0 && typeof f.close === 'function')).toBe(true);
  sim.run(120);
  expect(cam.droppedFrames).toBe(3);
  expect(cam.read()).toBeUndefined();
  held[0].close();
  held[0].close();
  expect(held[0].byteLength).toBe(0);
  sim.run(40);
  const next = cam.read() as DisposableFrame;
  expect(next.byteLength).toBeGreaterThan(0);
  cam.stop(); // returns every outstanding frame
  expect([held[1].byteLength, held[2].byteLength, next.byteLength]).toEqual([0, 0, 0]);
  cam.close();
});

test('a camera fault reaches onError (deferred) and stops capture', () => {
  const sim = mediaSim();
  const errors: string[] = [];
  let readable = 0;
  const cam = new Camera({ width: 96, height: 96, imageType: 'jpeg', frameInterval: 40, onReadable: () => readable++, onError: (e) => errors.push(e.message) });
  cam.start();
  sim.run(80);
  sim.camera.fault = 'error';
  sim.run(200);
  expect(readable).toBe(2);
  expect(errors).toEqual(['camera module fault']);
  cam.close();
});
