// The camera module's model: real baseline JPEG files (jpeg-js, a pure-JS encoder) of a
// synthetic scene. Each frame is stamped with its frame number and the virtual time, so a
// decoded frame shows which one it is; a seeded scene and sensor noise make runs differ by
// seed and repeat exactly per seed.
import type { CameraPart } from '../board/sim-board';
import { Random } from '../random';
import { encodeJpeg } from './jpeg-encoder';
import { drawText, fillRect, GLYPH_HEIGHT, textWidth, type RgbaImage, type Rgb } from './bitmap-font';

/** "error": the module fails (jpeg() throws); "blank": it delivers nothing (a stalled sensor). */
export type CameraFault = 'none' | 'error' | 'blank';

/** Where the frame-number and time stamps are drawn, in image pixels. */
export interface StampArea {
  x: number;
  y: number;
  width: number;
  height: number;
  scale: number;
}

/** The stamp band for an image size: two text lines, "F000123" and "T0012.345" (seconds). */
export function stampArea(width: number, height: number): StampArea {
  const scale = Math.max(1, Math.min(4, Math.floor(width / 48)));
  const w = textWidth('T0000.000', scale) + 2 * scale;
  const h = 2 * GLYPH_HEIGHT * scale + 3 * scale;
  if (w > width || h > height) throw new Error(`camera model: ${width}×${height} is too small for the stamp`);
  return { x: 0, y: 0, width: w, height: h, scale };
}

export function frameLabel(frame: number): string {
  return 'F' + String(frame % 1_000_000).padStart(6, '0');
}

export function timeLabel(atMs: number): string {
  const ms = Math.floor(atMs) % 10_000_000;
  return 'T' + String(Math.floor(ms / 1000)).padStart(4, '0') + '.' + String(ms % 1000).padStart(3, '0');
}

/** esp32-camera's jpeg_quality (0 best … 63 worst; Moddable's default 12) → jpeg-js quality (1 worst … 100 best). */
export function jpegJsQuality(esp32Quality: number): number {
  return Math.max(5, Math.min(95, Math.round(100 - esp32Quality * 1.5)));
}

export class SceneCamera implements CameraPart {
  fault: CameraFault = 'none';
  readonly #backgrounds = new Map<string, Uint8Array>();
  /** Frames encoded so far (not counting faults). */
  encoded = 0;
  readonly #seed: number;
  readonly #sky: Rgb;
  readonly #ground: Rgb;
  readonly #object: Rgb;

  constructor(options: { seed?: number } = {}) {
    this.#seed = options.seed ?? 1;
    const r = new Random(this.#seed);
    const colour = (lo: number, hi: number): Rgb => [r.range(lo, hi), r.range(lo, hi), r.range(lo, hi)];
    this.#sky = colour(90, 200);
    this.#ground = colour(30, 120);
    this.#object = colour(150, 255);
  }

  jpeg(width: number, height: number, frame: number, atMs: number, quality: number): Uint8Array {
    if (this.fault === 'error') throw new Error('camera module fault');
    if (this.fault === 'blank') return new Uint8Array(0);
    const img = this.render(width, height, frame, atMs);
    const jpeg = encodeJpeg(img, jpegJsQuality(quality));
    this.encoded++;
    return jpeg;
  }

  /** The RGBA scene for one frame (exposed so tests can compare against decoded JPEGs). */
  render(width: number, height: number, frame: number, atMs: number): RgbaImage {
    const img: RgbaImage = { width, height, data: this.#background(width, height, frame).slice() };
    const horizon = Math.floor(height * 0.6);
    // Something moving across the scene, one width every 4 s of virtual time.
    const size = Math.max(8, Math.floor(height / 4));
    const ox = Math.floor(((atMs % 4000) / 4000) * (width + size)) - size;
    fillRect(img, ox, horizon - Math.floor(size / 2), size, size, this.#object);
    const a = stampArea(width, height);
    fillRect(img, a.x, a.y, a.width, a.height, [0, 0, 0]);
    drawText(img, a.x + a.scale, a.y + a.scale, frameLabel(frame), a.scale, [255, 255, 255]);
    drawText(img, a.x + a.scale, a.y + (GLYPH_HEIGHT + 2) * a.scale, timeLabel(atMs), a.scale, [255, 255, 255]);
    return img;
  }

  /**
   * Sky and ground with sensor noise. The noise cycles through NOISE_VARIANTS seeded
   * patterns (by frame number), rendered once each: a video's frames still differ, and a
   * long simulation does not spend its time drawing noise.
   */
  #background(width: number, height: number, frame: number): Uint8Array {
    const key = `${width}x${height}/${frame % NOISE_VARIANTS}`;
    let d = this.#backgrounds.get(key);
    if (d) return d;
    d = new Uint8Array(width * height * 4);
    const horizon = Math.floor(height * 0.6);
    for (let y = 0; y < height; y++) {
      const [r, g, b] = y < horizon ? this.#sky : this.#ground;
      const shade = 1 - (0.3 * y) / height;
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 4;
        d[p] = r * shade;
        d[p + 1] = g * shade;
        d[p + 2] = b * shade;
        d[p + 3] = 255;
      }
    }
    const noise = new Random((this.#seed * 0x9e3779b1) ^ (frame % NOISE_VARIANTS));
    for (let p = 0; p < d.length; p += 4) {
      const n = (noise.u32() & 7) - 4;
      d[p] = clamp(d[p] + n);
      d[p + 1] = clamp(d[p + 1] + n);
      d[p + 2] = clamp(d[p + 2] + n);
    }
    this.#backgrounds.set(key, d);
    return d;
  }
}

const NOISE_VARIANTS = 8;

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
