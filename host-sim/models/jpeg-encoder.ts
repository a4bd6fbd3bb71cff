// Baseline JPEG encoding, byte for byte what jpeg-js's encode() writes, with the per-block work
// memoized. A simulated shift captures 3 frames a second for 12 hours (129,600 frames), and
// almost every 8×8 block of the camera model's scene repeats: the noisy background cycles
// through a few patterns, the moving object through a few positions, the stamp's glyphs are
// ten digits. A JPEG block's colour conversion, DCT, quantization and AC run-length codes
// depend only on its own 64 pixels; only its DC code depends on the block before (DC is coded
// as a difference). So each distinct block is transformed once, its coefficients and AC codes
// kept, and every frame is assembled from them with the DC differences coded afresh: the
// same file jpeg-js writes (tests/hal/media/jpeg-encoder.test.ts compares them), at a
// fraction of the cost.
//
// The transform and the entropy coder follow jpeg-js 0.4.4's lib/encoder.js (BSD-3-Clause:
// Copyright (c) 2008, Adobe Systems Incorporated; JavaScript port by Andreas Ritter), in the
// same floating-point operation order so the coefficients come out identical. The headers
// (SOI, APP0, DQT, SOF0, DHT, SOS) are jpeg-js's own, cut from one encode() per size and
// quality.
import { encode } from 'jpeg-js';

interface RawImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel (alpha ignored). */
  data: Uint8Array;
}

const ZIGZAG = [
  0, 1, 5, 6, 14, 15, 27, 28, 2, 4, 7, 13, 16, 26, 29, 42, 3, 8, 12, 17, 25, 30, 41, 43, 9, 11, 18, 24, 31, 40, 44, 53, 10, 19, 23, 32, 39, 45, 52, 54, 20, 22, 33, 38, 46, 51, 55,
  60, 21, 34, 37, 47, 50, 56, 59, 61, 35, 36, 48, 49, 57, 58, 62, 63,
];
const YQT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64,
  81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const UVQT = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, ...new Array<number>(38).fill(99)];
const AASF = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379];

// The standard Huffman tables (JPEG Annex K), as jpeg-js writes them in its DHT segment.
const DC_LUM = { counts: [0, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const DC_CHR = { counts: [0, 0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const AC_LUM = {
  counts: [0, 0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  values: hex(
    '01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa',
  ),
};
const AC_CHR = {
  counts: [0, 0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  values: hex(
    '000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa',
  ),
};

function hex(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 2) out.push(parseInt(s.slice(i, i + 2), 16));
  return out;
}

/** Huffman code and length per symbol (jpeg-js computeHuffmanTbl). */
function huffman(t: { counts: number[]; values: number[] }): { code: Int32Array; len: Int32Array } {
  const code = new Int32Array(256);
  const len = new Int32Array(256);
  let value = 0;
  let k = 0;
  for (let bits = 1; bits <= 16; bits++) {
    for (let j = 0; j < t.counts[bits]; j++) {
      code[t.values[k]] = value++;
      len[t.values[k++]] = bits;
    }
    value *= 2;
  }
  return { code, len };
}

const HT = { dcY: huffman(DC_LUM), dcC: huffman(DC_CHR), acY: huffman(AC_LUM), acC: huffman(AC_CHR) };

/** The magnitude category of a coefficient (its bit length), 0 for 0. */
function category(v: number): number {
  let a = v < 0 ? -v : v;
  let c = 0;
  while (a) {
    c++;
    a >>= 1;
  }
  return c;
}

/** The extra bits after a category's code (jpeg-js bitcode: negative values are v + 2^cat − 1). */
function extraBits(v: number, cat: number): number {
  return v < 0 ? v + (1 << cat) - 1 : v;
}

/** jpeg-js's RGB → YCbCr lookup table (initRGBYUVTable). */
const RGB_YUV = new Int32Array(2048);
for (let i = 0; i < 256; i++) {
  RGB_YUV[i] = 19595 * i;
  RGB_YUV[i + 256] = 38470 * i;
  RGB_YUV[i + 512] = 7471 * i + 0x8000;
  RGB_YUV[i + 768] = -11059 * i;
  RGB_YUV[i + 1024] = -21709 * i;
  RGB_YUV[i + 1280] = 32768 * i + 0x807fff;
  RGB_YUV[i + 1536] = -27439 * i;
  RGB_YUV[i + 1792] = -5329 * i;
}

/** One block's component, ready to write: its quantized DC and its AC codes as (bits, length) pairs of ≤ 24 bits. */
interface CodedComponent {
  dc: number;
  ac: Int32Array;
}

/** A distinct 8×8 block seen before: its pixels (to rule out hash collisions) and its three components. */
interface Block {
  pixels: Int32Array;
  y: CodedComponent;
  u: CodedComponent;
  v: CodedComponent;
  next: Block | undefined;
}

/**
 * Distinct blocks kept per quality at most; past that the table starts afresh (a scene of a
 * few thousand distinct blocks never gets there; a stream of unrelated images would otherwise
 * keep ~1 KB per block forever).
 */
export const MAX_BLOCKS = 40_000;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A promise from the caller: outside the `dirty` rectangles the image's pixels are those of
 * every other image it encodes with the same `base` (an object identifying that content, e.g.
 * the background buffer it drew on). Those blocks are then neither gathered nor hashed: their
 * Block is taken from the last image with that base. A wrong promise gives a wrong picture,
 * so the camera model's frames are compared with jpeg-js's in tests.
 */
export interface Reuse {
  base: object;
  dirty: readonly Rect[];
}

/**
 * What is kept per base image: the Block at each position (outside the dirty rectangles), and
 * the bits of each run of consecutive clean blocks, by where it starts and ends and the DC
 * predictions it starts from (with those equal, a run's bits are equal). A moving object cuts
 * the clean blocks into different runs at each of its positions.
 */
interface Base {
  blocks: (Block | undefined)[];
  runs: Map<string, { bits: Uint8Array; bitLength: number; dc: number[] }>;
}

/** Runs kept per base at most (a scene with a few object positions needs a few hundred). */
const MAX_RUNS = 4096;

/** 1 for each 8×8 block a rectangle touches, row by row. */
function dirtyBlocks(rects: readonly Rect[], cols: number, rows: number): Uint8Array {
  const d = new Uint8Array(cols * rows);
  for (const r of rects) {
    if (r.width <= 0 || r.height <= 0) continue;
    const c0 = Math.max(0, Math.floor(r.x / 8)), c1 = Math.min(cols - 1, Math.floor((r.x + r.width - 1) / 8));
    const r0 = Math.max(0, Math.floor(r.y / 8)), r1 = Math.min(rows - 1, Math.floor((r.y + r.height - 1) / 8));
    for (let row = r0; row <= r1; row++) d.fill(1, row * cols + c0, row * cols + c1 + 1);
  }
  return d;
}

/** An encoder for one quality: its quantization tables and its table of distinct blocks. */
class BlockEncoder {
  readonly #fdtblY = new Float64Array(64);
  readonly #fdtblUV = new Float64Array(64);
  readonly #blocks = new Map<number, Block>();
  /** Per base image (Reuse.base), what its clean blocks were last time. */
  #bases = new WeakMap<object, Base>();
  #count = 0;
  readonly #headers = new Map<string, Uint8Array>();
  readonly #quality: number;
  // Scratch for one block.
  readonly #pixels = new Int32Array(64);
  readonly #data = new Float64Array(64);
  readonly #coef = new Int32Array(64);
  readonly #du = new Int32Array(64);
  readonly #codes = new Int32Array(2 * 3 * 64);
  /** Blocks transformed (cache misses) and reused (hits), for tests and profiles. */
  readonly counts = { transformed: 0, reused: 0 };

  constructor(quality: number) {
    this.#quality = quality;
    // jpeg-js setQuality + initQuantTables.
    const q = Math.min(100, Math.max(1, quality));
    const sf = q < 50 ? Math.floor(5000 / q) : Math.floor(200 - q * 2);
    const yt = new Array<number>(64);
    const uvt = new Array<number>(64);
    for (let i = 0; i < 64; i++) {
      yt[ZIGZAG[i]] = Math.min(255, Math.max(1, Math.floor((YQT[i] * sf + 50) / 100)));
      uvt[ZIGZAG[i]] = Math.min(255, Math.max(1, Math.floor((UVQT[i] * sf + 50) / 100)));
    }
    let k = 0;
    for (let row = 0; row < 8; row++) {
      for (let col = 0; col < 8; col++) {
        this.#fdtblY[k] = 1.0 / (yt[ZIGZAG[k]] * AASF[row] * AASF[col] * 8.0);
        this.#fdtblUV[k] = 1.0 / (uvt[ZIGZAG[k]] * AASF[row] * AASF[col] * 8.0);
        k++;
      }
    }
  }

  get distinctBlocks(): number {
    return this.#count;
  }

  encode(image: RawImage, reuse?: Reuse): Uint8Array {
    const { width, height } = image;
    const words = wordsOf(image.data);
    const out = new BitWriter(width * height, true);
    out.bytes(this.#header(width, height));
    const cols = Math.ceil(width / 8);
    const count = cols * Math.ceil(height / 8);
    let base: Base | undefined;
    let dirty: Uint8Array | undefined;
    if (reuse) {
      base = this.#bases.get(reuse.base);
      if (!base || base.blocks.length !== count) this.#bases.set(reuse.base, (base = { blocks: new Array<Block | undefined>(count), runs: new Map() }));
      dirty = dirtyBlocks(reuse.dirty, cols, count / cols);
    }
    /** Block k's pixels gathered and looked up (edges repeated past the right and bottom, as jpeg-js pads). */
    const blockAt = (k: number): Block => {
      const px = this.#pixels;
      const x = (k % cols) * 8;
      const y = ((k / cols) | 0) * 8;
      if (x + 8 <= width && y + 8 <= height) {
        for (let r = 0, i = 0, p = y * width + x; r < 8; r++, p += width) {
          for (let c = 0; c < 8; c++) px[i++] = words[p + c] & 0x00ffffff; // alpha plays no part in the file
        }
      } else {
        for (let pos = 0; pos < 64; pos++) px[pos] = words[Math.min(y + (pos >> 3), height - 1) * width + Math.min(x + (pos & 7), width - 1)] & 0x00ffffff;
      }
      return this.#find(px);
    };
    const dc = [0, 0, 0];
    for (let k = 0; k < count; k++) {
      if (!base || dirty![k]) {
        out.mcu(blockAt(k), dc);
        continue;
      }
      // A run of clean blocks: after the same DC predictions, the same bits as last time.
      let end = k;
      while (end + 1 < count && !dirty![end + 1]) end++;
      const key = `${k}:${end}:${dc[0]}:${dc[1]}:${dc[2]}`;
      let run = base.runs.get(key);
      if (!run) {
        const rec = new BitWriter(64 * (end - k + 1), false);
        const runDc = dc.slice();
        for (let j = k; j <= end; j++) rec.mcu((base.blocks[j] ??= blockAt(j)), runDc);
        run = { ...rec.recording(), dc: runDc };
        if (base.runs.size >= MAX_RUNS) base.runs.clear();
        base.runs.set(key, run);
      }
      out.append(run.bits, run.bitLength);
      dc[0] = run.dc[0];
      dc[1] = run.dc[1];
      dc[2] = run.dc[2];
      this.counts.reused += end - k + 1;
      k = end;
    }
    return out.finish();
  }

  /** The block with these pixels: seen before, or transformed now. */
  #find(px: Int32Array): Block {
    let h = 0x811c9dc5;
    for (let i = 0; i < 64; i++) h = Math.imul(h ^ px[i], 0x01000193);
    // 30 bits: a small integer key, which V8's Map hashes fastest (collisions are chained).
    h = (h ^ (h >>> 15)) & 0x3fffffff;
    for (let b = this.#blocks.get(h); b; b = b.next) {
      const p = b.pixels;
      let i = 0;
      while (i < 64 && p[i] === px[i]) i++;
      if (i === 64) {
        this.counts.reused++;
        return b;
      }
    }
    return this.#add(h);
  }

  #add(h: number): Block {
    this.counts.transformed++;
    const px = this.#pixels;
    const data = this.#data;
    const yuv = [new Float64Array(64), new Float64Array(64), new Float64Array(64)];
    for (let pos = 0; pos < 64; pos++) {
      const w = px[pos];
      const r = w & 0xff;
      const g = (w >>> 8) & 0xff;
      const b = (w >>> 16) & 0xff;
      yuv[0][pos] = ((RGB_YUV[r] + RGB_YUV[g + 256] + RGB_YUV[b + 512]) >> 16) - 128;
      yuv[1][pos] = ((RGB_YUV[r + 768] + RGB_YUV[g + 1024] + RGB_YUV[b + 1280]) >> 16) - 128;
      yuv[2][pos] = ((RGB_YUV[r + 1280] + RGB_YUV[g + 1536] + RGB_YUV[b + 1792]) >> 16) - 128;
    }
    const component = (src: Float64Array, fdtbl: Float64Array, ac: { code: Int32Array; len: Int32Array }): CodedComponent => {
      data.set(src);
      fdctQuant(data, fdtbl, this.#coef);
      for (let j = 0; j < 64; j++) this.#du[ZIGZAG[j]] = this.#coef[j];
      return { dc: this.#du[0], ac: this.#acCodes(ac) };
    };
    if (this.#count >= MAX_BLOCKS) {
      this.#blocks.clear();
      this.#bases = new WeakMap();
      this.#count = 0;
    }
    const block: Block = {
      pixels: px.slice(),
      y: component(yuv[0], this.#fdtblY, HT.acY),
      u: component(yuv[1], this.#fdtblUV, HT.acC),
      v: component(yuv[2], this.#fdtblUV, HT.acC),
      next: this.#blocks.get(h),
    };
    this.#blocks.set(h, block);
    this.#count++;
    return block;
  }

  /** The AC part of jpeg-js's processDU: run lengths, ZRL for 16 zeros, EOB unless coefficient 63 is the last. */
  #acCodes(ht: { code: Int32Array; len: Int32Array }): Int32Array {
    const du = this.#du;
    const codes = this.#codes;
    let n = 0;
    // Consecutive codes are merged into chunks of up to 24 bits: fewer, larger writes per frame.
    const put = (bits: number, len: number) => {
      if (n > 0 && codes[n - 1] + len <= 24) {
        codes[n - 2] = (codes[n - 2] << len) | bits;
        codes[n - 1] += len;
      } else {
        codes[n++] = bits;
        codes[n++] = len;
      }
    };
    let end = 63;
    while (end > 0 && du[end] === 0) end--;
    if (end === 0) {
      put(ht.code[0x00], ht.len[0x00]);
      return codes.slice(0, n);
    }
    let i = 1;
    while (i <= end) {
      const start = i;
      while (du[i] === 0 && i <= end) i++;
      let zeros = i - start;
      if (zeros >= 16) {
        for (let m = zeros >> 4; m > 0; m--) put(ht.code[0xf0], ht.len[0xf0]);
        zeros &= 0xf;
      }
      const cat = category(du[i]);
      put(ht.code[(zeros << 4) + cat], ht.len[(zeros << 4) + cat]);
      put(extraBits(du[i], cat), cat);
      i++;
    }
    if (end !== 63) put(ht.code[0x00], ht.len[0x00]);
    return codes.slice(0, n);
  }

  /** jpeg-js's headers for this size and quality: its own output up to the end of SOS. */
  #header(width: number, height: number): Uint8Array {
    const key = `${width}x${height}`;
    let hdr = this.#headers.get(key);
    if (hdr) return hdr;
    const file = encode({ width, height, data: new Uint8Array(width * height * 4) }, this.#quality).data;
    let p = 2;
    while (!(file[p] === 0xff && file[p + 1] === 0xda)) p += 2 + ((file[p + 2] << 8) | file[p + 3]);
    p += 2 + ((file[p + 2] << 8) | file[p + 3]);
    hdr = new Uint8Array(file.subarray(0, p));
    this.#headers.set(key, hdr);
    return hdr;
  }
}

/** The image's pixels as 32-bit words (R in the low byte, as little-endian hosts read RGBA). */
function wordsOf(data: Uint8Array): Int32Array {
  if (data.byteOffset % 4 === 0) return new Int32Array(data.buffer, data.byteOffset, data.byteLength >>> 2);
  return new Int32Array(data.slice().buffer);
}

/** jpeg-js's fDCTQuant: the AAN forward DCT, then quantization rounded half away from zero. */
function fdctQuant(data: Float64Array, fdtbl: Float64Array, out: Int32Array): void {
  for (let off = 0; off < 64; off += 8) dct8(data, off, 1);
  for (let off = 0; off < 8; off++) dct8(data, off, 8);
  for (let i = 0; i < 64; i++) {
    const q = data[i] * fdtbl[i];
    out[i] = q > 0.0 ? (q + 0.5) | 0 : (q - 0.5) | 0;
  }
}

/** One 8-point pass (a row with step 1, a column with step 8), jpeg-js's operations in its order. */
function dct8(d: Float64Array, o: number, s: number): void {
  const d0 = d[o], d1 = d[o + s], d2 = d[o + 2 * s], d3 = d[o + 3 * s];
  const d4 = d[o + 4 * s], d5 = d[o + 5 * s], d6 = d[o + 6 * s], d7 = d[o + 7 * s];
  const tmp0 = d0 + d7, tmp7 = d0 - d7, tmp1 = d1 + d6, tmp6 = d1 - d6;
  const tmp2 = d2 + d5, tmp5 = d2 - d5, tmp3 = d3 + d4, tmp4 = d3 - d4;
  // Even part
  let tmp10 = tmp0 + tmp3;
  const tmp13 = tmp0 - tmp3;
  let tmp11 = tmp1 + tmp2;
  let tmp12 = tmp1 - tmp2;
  d[o] = tmp10 + tmp11;
  d[o + 4 * s] = tmp10 - tmp11;
  const z1 = (tmp12 + tmp13) * 0.707106781;
  d[o + 2 * s] = tmp13 + z1;
  d[o + 6 * s] = tmp13 - z1;
  // Odd part
  tmp10 = tmp4 + tmp5;
  tmp11 = tmp5 + tmp6;
  tmp12 = tmp6 + tmp7;
  const z5 = (tmp10 - tmp12) * 0.382683433;
  const z2 = 0.5411961 * tmp10 + z5;
  const z4 = 1.306562965 * tmp12 + z5;
  const z3 = tmp11 * 0.707106781;
  const z11 = tmp7 + z3;
  const z13 = tmp7 - z3;
  d[o + 5 * s] = z13 + z2;
  d[o + 3 * s] = z13 - z2;
  d[o + s] = z11 + z4;
  d[o + 7 * s] = z11 - z4;
}

/**
 * Bits packed MSB first. The file's writer stuffs 0x00 after each 0xFF and ends with EOI; a
 * recording of a run of blocks (unstuffed, to be appended to a file at any bit offset) does not.
 */
class BitWriter {
  #out: Uint8Array;
  #pos = 0;
  #acc = 0;
  #bits = 0;
  readonly #stuff: boolean;

  constructor(capacity: number, stuff: boolean) {
    this.#out = new Uint8Array(1024 + (capacity >> 1));
    this.#stuff = stuff;
  }

  /** Whole bytes, at a byte boundary (the headers). */
  bytes(b: Uint8Array): void {
    while (this.#pos + b.length > this.#out.length) this.#grow();
    this.#out.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** One block's three components; `dc` holds the DC predictions and is updated. */
  mcu(b: Block, dc: number[]): void {
    dc[0] = this.#component(b.y, dc[0], HT.dcY);
    dc[1] = this.#component(b.u, dc[1], HT.dcC);
    dc[2] = this.#component(b.v, dc[2], HT.dcC);
  }

  /** Writes one component of a block; returns its DC (the next block's predictor). */
  #component(c: CodedComponent, prevDc: number, dc: { code: Int32Array; len: Int32Array }): number {
    // A block's codes: at most 64 symbols of ≤ 16 + 11 bits, stuffed: under 500 bytes.
    if (this.#pos + 512 > this.#out.length) this.#grow();
    const diff = c.dc - prevDc;
    if (diff === 0) this.#put(dc.code[0], dc.len[0]);
    else {
      const cat = category(diff);
      this.#put(dc.code[cat], dc.len[cat]);
      this.#put(extraBits(diff, cat), cat);
    }
    // The AC codes, #put's loop with the writer's state in locals (most of a frame's bits).
    const ac = c.ac;
    const out = this.#out;
    const stuff = this.#stuff;
    let pos = this.#pos;
    let acc = this.#acc;
    let bits = this.#bits;
    for (let i = 0; i < ac.length; i += 2) {
      acc = (acc << ac[i + 1]) | ac[i];
      bits += ac[i + 1];
      while (bits >= 8) {
        bits -= 8;
        const byte = (acc >>> bits) & 0xff;
        out[pos++] = byte;
        if (byte === 0xff && stuff) out[pos++] = 0;
      }
      acc &= (1 << bits) - 1;
    }
    this.#pos = pos;
    this.#acc = acc;
    this.#bits = bits;
    return c.dc;
  }

  /** What an unstuffed writer holds: its bytes (the last one's low bits unused) and their bit count. */
  recording(): { bits: Uint8Array; bitLength: number } {
    const bitLength = this.#pos * 8 + this.#bits;
    const bits = this.#out.slice(0, this.#pos + (this.#bits > 0 ? 1 : 0));
    if (this.#bits > 0) bits[this.#pos] = (this.#acc << (8 - this.#bits)) & 0xff;
    return { bits, bitLength };
  }

  /** Appends a recording, at whatever bit offset the writer is. */
  append(src: Uint8Array, bitLength: number): void {
    const whole = bitLength >> 3;
    while (this.#pos + 2 * whole + 8 > this.#out.length) this.#grow();
    const out = this.#out;
    const stuff = this.#stuff;
    const bits = this.#bits;
    let pos = this.#pos;
    let acc = this.#acc;
    for (let i = 0; i < whole; i++) {
      // bits (< 8) pending + 8 new: emit the top byte, keep the low `bits`.
      acc = (acc << 8) | src[i];
      const byte = (acc >>> bits) & 0xff;
      out[pos++] = byte;
      if (byte === 0xff && stuff) out[pos++] = 0;
      acc &= (1 << bits) - 1;
    }
    this.#pos = pos;
    this.#acc = acc;
    const rest = bitLength & 7;
    if (rest) this.#put(src[whole] >>> (8 - rest), rest);
  }

  /** Pads the last byte with 1 bits (jpeg-js pads a whole 0xFF byte when already aligned), then EOI. */
  finish(): Uint8Array {
    if (this.#pos + 4 > this.#out.length) this.#grow();
    const pad = 8 - this.#bits;
    this.#put((1 << pad) - 1, pad);
    this.#out[this.#pos++] = 0xff;
    this.#out[this.#pos++] = 0xd9;
    return this.#out.slice(0, this.#pos);
  }

  #put(value: number, len: number): void {
    // #bits < 8 between calls and len ≤ 24: the accumulator never holds more than 31 bits.
    this.#acc = (this.#acc << len) | value;
    this.#bits += len;
    while (this.#bits >= 8) {
      this.#bits -= 8;
      const byte = (this.#acc >>> this.#bits) & 0xff;
      this.#out[this.#pos++] = byte;
      if (byte === 0xff && this.#stuff) this.#out[this.#pos++] = 0;
    }
    this.#acc &= (1 << this.#bits) - 1;
  }

  #grow(): void {
    const bigger = new Uint8Array(this.#out.length * 2);
    bigger.set(this.#out);
    this.#out = bigger;
  }
}

const encoders = new Map<number, BlockEncoder>();

function encoderFor(quality: number): BlockEncoder {
  let e = encoders.get(quality);
  if (!e) encoders.set(quality, (e = new BlockEncoder(quality)));
  return e;
}

/** A baseline JPEG of an RGBA image at jpeg-js quality 1…100: the bytes jpeg-js's encode() writes. */
export function encodeJpeg(image: RawImage, quality: number, reuse?: Reuse): Uint8Array {
  return encoderFor(quality).encode(image, reuse);
}

/** Blocks transformed and reused so far at a quality, and how many distinct ones are kept. */
export function blockStats(quality: number): { transformed: number; reused: number; distinct: number } {
  const e = encoderFor(quality);
  return { ...e.counts, distinct: e.distinctBlocks };
}
