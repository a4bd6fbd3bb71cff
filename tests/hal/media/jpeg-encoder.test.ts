// The camera model's encoder memoizes blocks (host-sim/models/jpeg-encoder.ts); its files must
// be jpeg-js's, byte for byte, whatever the image: scene frames, noise, sizes that are not
// multiples of 8, every quality the firmware could ask for, blocks seen before and not.
import { encode } from 'jpeg-js';
import { blockStats, encodeJpeg } from '../../../host-sim/models/jpeg-encoder';
import { SceneCamera, jpegJsQuality } from '../../../host-sim/models/camera';
import { Random } from '../../../host-sim/random';

function jpegJs(img: { width: number; height: number; data: Uint8Array }, quality: number): Buffer {
  return encode(img, quality).data;
}

function noise(width: number, height: number, seed: number): { width: number; height: number; data: Uint8Array } {
  const r = new Random(seed);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = r.u32() & 0xff;
  return { width, height, data };
}

test.each([
  [96, 96, 12],
  [160, 120, 30],
  [320, 240, 30],
  [320, 240, 0],
  [320, 240, 63],
])('the camera model at %i×%i, esp32 quality %i: the bytes jpeg-js writes for the rendered scene', (w, h, q) => {
  const cam = new SceneCamera({ seed: 5 });
  // A sweep of the moving object (edges included), frames seen before, stamps from 0 to 9999 s.
  const shots: [number, number][] = [[1, 0], [2, 333], [25, 8333], [1, 0], [26, 8667], [100_001, 9_999_999.5], [40, 13_333]];
  for (let f = 3; f <= 15; f++) shots.push([f, f * 333.34]);
  for (const [frame, at] of shots) {
    const expected = jpegJs(cam.render(w, h, frame, at), jpegJsQuality(q));
    expect(Buffer.from(cam.jpeg(w, h, frame, at, q)).equals(expected)).toBe(true);
  }
});

test.each([
  [8, 8, 1],
  [37, 21, 50],
  [13, 64, 100],
  [64, 9, 95],
])('noise at %i×%i, quality %i (edge padding, large coefficients, stuffed 0xFF bytes)', (w, h, q) => {
  for (const seed of [1, 2]) {
    const img = noise(w, h, seed);
    expect(Buffer.from(encodeJpeg(img, q)).equals(jpegJs(img, q))).toBe(true);
  }
});

test('flat and gradient images (long zero runs, EOB, ZRL codes), RGBA with varying alpha', () => {
  const w = 48, h = 40;
  const flat = { width: w, height: h, data: new Uint8Array(w * h * 4).fill(200) };
  const grad = { width: w, height: h, data: new Uint8Array(w * h * 4) };
  for (let i = 0; i < w * h; i++) {
    grad.data[4 * i] = i % w * 5;
    grad.data[4 * i + 1] = (i / w) * 6;
    grad.data[4 * i + 2] = i % 7 === 0 ? 255 : 0;
    grad.data[4 * i + 3] = i & 0xff; // alpha plays no part
  }
  for (const img of [flat, grad]) for (const q of [10, 75, 100]) expect(Buffer.from(encodeJpeg(img, q)).equals(jpegJs(img, q))).toBe(true);
});

test('a stream of scene frames reuses nearly all its blocks', () => {
  const cam = new SceneCamera({ seed: 77 });
  const q = 41; // a quality no other test uses: its table starts empty
  for (let f = 1; f <= 48; f++) encodeJpeg(cam.render(320, 240, f, f * (1000 / 3)), q);
  const first = blockStats(q);
  for (let f = 49; f <= 96; f++) encodeJpeg(cam.render(320, 240, f, f * (1000 / 3)), q);
  const second = blockStats(q);
  // The second 48 frames (16 s) bring few new blocks: stamps' digits, nothing else.
  expect(second.transformed - first.transformed).toBeLessThan(0.02 * 48 * 1200);
  expect(second.reused - first.reused).toBeGreaterThan(0.98 * 48 * 1200);
});
