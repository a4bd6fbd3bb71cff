// Baseline JPEG encoding with jpeg-js (pure JavaScript). jpeg-js's exported encode() builds
// its Huffman and colour tables afresh on every call (~40 ms), which would dominate a
// simulated video stream; its JPEGEncoder is reusable but not exported, so it is loaded from
// the package's own encoder source once and kept (~1 ms per 96×96 frame). If that file
// cannot be read, the exported encode() is used.
import { readFileSync } from 'node:fs';
import { encode } from 'jpeg-js';

interface RawImage {
  width: number;
  height: number;
  data: Uint8Array;
}

type Encoder = { encode(image: RawImage, quality: number): Uint8Array };
type EncoderClass = new (quality: number) => Encoder;

let encoderClass: EncoderClass | null | undefined;
const encoders = new Map<number, Encoder>();

function loadEncoderClass(): EncoderClass | null {
  try {
    const source = readFileSync(require.resolve('jpeg-js/lib/encoder.js'), 'utf8');
    return new Function('module', `${source}\nreturn JPEGEncoder;`)({}) as EncoderClass;
  } catch {
    return null;
  }
}

/** A baseline JPEG of an RGBA image at jpeg-js quality 1…100. */
export function encodeJpeg(image: RawImage, quality: number): Uint8Array {
  if (encoderClass === undefined) encoderClass = loadEncoderClass();
  if (!encoderClass) {
    const out = encode(image, quality).data;
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  let encoder = encoders.get(quality);
  if (!encoder) encoders.set(quality, (encoder = new encoderClass(quality)));
  const out = encoder.encode(image, quality);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
