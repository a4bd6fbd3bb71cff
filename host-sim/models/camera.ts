// The camera module's model: real baseline JPEG files (jpeg-js's, from a memoizing encoder that
// writes the same bytes, jpeg-encoder.ts) of a synthetic scene. Each frame is stamped with its
// frame number and the virtual time, so a decoded frame shows which one it is; a seeded scene
// and sensor noise make runs differ by seed and repeat exactly per seed.
import type { CameraPart } from '../board/sim-board';
import { Random } from '../random';
import { encodeJpeg, type Rect } from './jpeg-encoder';
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
  /** Per background, the buffer the last frame on it was drawn in, and where it was drawn. */
  readonly #scratch = new Map<Uint8Array, { data: Uint8Array; drawn: Rect[] }>();
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
    const { image, background, drawn } = this.#compose(width, height, frame, atMs, true);
    // Outside what was drawn on it, the frame is its background: the encoder reuses those blocks.
    const jpeg = encodeJpeg(image, jpegJsQuality(quality), { base: background, dirty: drawn });
    this.encoded++;
    return jpeg;
  }

  /** The RGBA scene for one frame (exposed so tests can compare against decoded JPEGs). */
  render(width: number, height: number, frame: number, atMs: number): RgbaImage {
    return this.#compose(width, height, frame, atMs, false).image;
  }

  /**
   * The frame: its background, with the moving object and the stamp drawn on it (their
   * rectangles in `drawn`). With `scratch`, it is drawn in a buffer kept per background, whose
   * last drawn rectangles are first restored from the background: a frame is encoded and
   * dropped, so copying the whole background for each of 129,600 frames a shift would be waste.
   */
  #compose(width: number, height: number, frame: number, atMs: number, scratch: boolean): { image: RgbaImage; background: Uint8Array; drawn: Rect[] } {
    const background = this.#background(width, height, frame);
    let data: Uint8Array;
    const kept = scratch ? this.#scratch.get(background) : undefined;
    if (kept) {
      for (const r of kept.drawn) restore(kept.data, background, width, height, r);
      data = kept.data;
    } else data = background.slice();
    const img: RgbaImage = { width, height, data };
    const horizon = Math.floor(height * 0.6);
    // Something moving across the scene, one width every 4 s of virtual time.
    const size = Math.max(8, Math.floor(height / 4));
    const ox = Math.floor(((atMs % 4000) / 4000) * (width + size)) - size;
    const object = { x: ox, y: horizon - Math.floor(size / 2), width: size, height: size };
    fillRect(img, object.x, object.y, object.width, object.height, this.#object);
    const a = stampArea(width, height);
    const lines = [frameLabel(frame), timeLabel(atMs)];
    fillRect(img, a.x, a.y, a.width, a.height, [0, 0, 0]);
    drawText(img, a.x + a.scale, a.y + a.scale, lines[0], a.scale, [255, 255, 255]);
    drawText(img, a.x + a.scale, a.y + (GLYPH_HEIGHT + 2) * a.scale, lines[1], a.scale, [255, 255, 255]);
    // The text may run past the band if a label is longer than the band was made for.
    const textRight = a.x + a.scale + Math.max(...lines.map((l) => textWidth(l, a.scale)));
    const stamp = { x: a.x, y: a.y, width: Math.max(a.width, textRight - a.x), height: a.height };
    const drawn = [object, stamp];
    if (scratch) this.#scratch.set(background, { data, drawn });
    return { image: img, background, drawn };
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

/** Copies a rectangle (clipped to the image) of `from` into `to`, both RGBA of the same size. */
function restore(to: Uint8Array, from: Uint8Array, width: number, height: number, r: Rect): void {
  const x0 = Math.max(0, r.x), x1 = Math.min(width, r.x + r.width);
  if (x1 <= x0) return;
  for (let y = Math.max(0, r.y); y < Math.min(height, r.y + r.height); y++) to.set(from.subarray((y * width + x0) * 4, (y * width + x1) * 4), (y * width + x0) * 4);
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
