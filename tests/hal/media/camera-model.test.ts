import { decode } from 'jpeg-js';
import { SceneCamera, stampArea } from '../../../host-sim/models/camera';

function decoded(jpeg: Uint8Array) {
  return decode(jpeg, { useTArray: true });
}

/** Sum of absolute differences between two RGBA images inside a rectangle. */
function difference(a: Uint8Array, b: Uint8Array, width: number, area: { x: number; y: number; width: number; height: number }): number {
  let sum = 0;
  for (let y = area.y; y < area.y + area.height; y++) for (let x = area.x; x < area.x + area.width; x++) for (let c = 0; c < 3; c++) sum += Math.abs(a[(y * width + x) * 4 + c] - b[(y * width + x) * 4 + c]);
  return sum;
}

test.each([
  [96, 96],
  [160, 120],
  [320, 240],
])('a %i×%i frame is a baseline JPEG of that size', (w, h) => {
  const jpeg = new SceneCamera().jpeg(w, h, 1, 0, 12);
  expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
  expect([jpeg[jpeg.length - 2], jpeg[jpeg.length - 1]]).toEqual([0xff, 0xd9]);
  // SOF0 (baseline DCT) marker present
  expect(Buffer.from(jpeg).includes(Buffer.from([0xff, 0xc0]))).toBe(true);
  const img = decoded(jpeg);
  expect([img.width, img.height]).toEqual([w, h]);
});

test('the stamp shows the frame number and time: frames differ there, identical inputs give identical files', () => {
  const cam = new SceneCamera({ seed: 3 });
  const a = decoded(cam.jpeg(96, 96, 1, 1000, 12));
  const b = decoded(cam.jpeg(96, 96, 2, 1000, 12));
  const c = decoded(cam.jpeg(96, 96, 1, 2000, 12));
  const area = stampArea(96, 96);
  const frameLine = { ...area, height: Math.floor(area.height / 2) };
  const timeLine = { ...area, y: frameLine.height, height: area.height - frameLine.height };
  expect(difference(a.data, b.data, 96, frameLine)).toBeGreaterThan(20 * 255);
  expect(difference(a.data, c.data, 96, timeLine)).toBeGreaterThan(20 * 255);
  // The stamp is legible: white glyph pixels on black survive JPEG compression.
  const bright = (img: { data: Uint8Array }) => {
    let n = 0;
    for (let y = area.y; y < area.y + area.height; y++) for (let x = area.x; x < area.x + area.width; x++) if (img.data[(y * 96 + x) * 4] > 200) n++;
    return n;
  };
  expect(bright(a)).toBeGreaterThan(50);
  expect(Buffer.from(cam.jpeg(96, 96, 5, 40, 12)).equals(Buffer.from(new SceneCamera({ seed: 3 }).jpeg(96, 96, 5, 40, 12)))).toBe(true);
  expect(Buffer.from(cam.jpeg(96, 96, 5, 40, 12)).equals(Buffer.from(new SceneCamera({ seed: 4 }).jpeg(96, 96, 5, 40, 12)))).toBe(false);
});

test('the rendered stamp matches the decoded frame (the JPEG is of that scene)', () => {
  const cam = new SceneCamera({ seed: 9 });
  const scene = cam.render(160, 120, 42, 12_345);
  const img = decoded(cam.jpeg(160, 120, 42, 12_345, 12));
  const area = stampArea(160, 120);
  const pixels = area.width * area.height * 3;
  expect(difference(scene.data, img.data, 160, area) / pixels).toBeLessThan(20);
});

test('fault modes: "error" throws, "blank" delivers nothing', () => {
  const cam = new SceneCamera();
  cam.fault = 'error';
  expect(() => cam.jpeg(96, 96, 1, 0, 12)).toThrow('camera module fault');
  cam.fault = 'blank';
  expect(cam.jpeg(96, 96, 1, 0, 12).length).toBe(0);
});

test('the reused encoder writes the same bytes as jpeg-js encode()', () => {
  const { encode } = jest.requireActual('jpeg-js') as typeof import('jpeg-js');
  const { encodeJpeg } = jest.requireActual('../../../host-sim/models/jpeg-encoder') as typeof import('../../../host-sim/models/jpeg-encoder');
  const img = new SceneCamera({ seed: 2 }).render(96, 96, 3, 120);
  const expected = encode(img, 82).data;
  expect(Buffer.from(encodeJpeg(img, 82)).equals(expected)).toBe(true);
  expect(Buffer.from(encodeJpeg(img, 82)).equals(expected)).toBe(true);
});
