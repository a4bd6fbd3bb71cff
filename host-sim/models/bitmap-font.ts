// A 3×5 pixel font for stamping frame numbers and times into synthetic camera images, so a
// decoded frame visibly says which frame it is and when it was taken.

/** Glyph rows, top to bottom; each row is 3 bits, most significant = leftmost pixel. */
const GLYPHS: Record<string, readonly number[]> = {
  '0': [0b111, 0b101, 0b101, 0b101, 0b111],
  '1': [0b010, 0b110, 0b010, 0b010, 0b111],
  '2': [0b111, 0b001, 0b111, 0b100, 0b111],
  '3': [0b111, 0b001, 0b111, 0b001, 0b111],
  '4': [0b101, 0b101, 0b111, 0b001, 0b001],
  '5': [0b111, 0b100, 0b111, 0b001, 0b111],
  '6': [0b111, 0b100, 0b111, 0b101, 0b111],
  '7': [0b111, 0b001, 0b010, 0b010, 0b010],
  '8': [0b111, 0b101, 0b111, 0b101, 0b111],
  '9': [0b111, 0b101, 0b111, 0b001, 0b111],
  F: [0b111, 0b100, 0b110, 0b100, 0b100],
  T: [0b111, 0b010, 0b010, 0b010, 0b010],
  '.': [0b000, 0b000, 0b000, 0b000, 0b010],
  ':': [0b000, 0b010, 0b000, 0b010, 0b000],
  ' ': [0, 0, 0, 0, 0],
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;
/** Horizontal advance per character, in font pixels (glyph plus one column of space). */
export const ADVANCE = GLYPH_WIDTH + 1;

export type Rgb = readonly [number, number, number];

/** An RGBA image as jpeg-js takes it. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function fillRect(img: RgbaImage, x: number, y: number, w: number, h: number, [r, g, b]: Rgb): void {
  const x0 = Math.max(0, x), y0 = Math.max(0, y);
  const x1 = Math.min(img.width, x + w), y1 = Math.min(img.height, y + h);
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const p = (yy * img.width + xx) * 4;
      img.data[p] = r;
      img.data[p + 1] = g;
      img.data[p + 2] = b;
      img.data[p + 3] = 255;
    }
  }
}

/** Width in image pixels of `text` drawn at `scale`. */
export function textWidth(text: string, scale: number): number {
  return text.length * ADVANCE * scale - scale;
}

/** Draws `text` with its top-left corner at (x, y); each font pixel is a scale×scale block. */
export function drawText(img: RgbaImage, x: number, y: number, text: string, scale: number, color: Rgb): void {
  for (let i = 0; i < text.length; i++) {
    const glyph = GLYPHS[text[i]];
    if (!glyph) throw new Error(`bitmap font has no glyph for ${JSON.stringify(text[i])}`);
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (glyph[row] & (1 << (GLYPH_WIDTH - 1 - col))) fillRect(img, x + (i * ADVANCE + col) * scale, y + row * scale, scale, scale, color);
      }
    }
  }
}
