// A RIFF AVI 1.0 muxer: one MJPEG video stream (each stored JPEG frame is a chunk, as
// captured, not re-encoded) and one PCM audio stream, interleaved slot by slot, with the
// idx1 index every player uses to seek. Enough for evidence copies of a few hours; AVI 1.0
// stops at 2 GB, which a body camera's flash never holds.
import { LeWriter, chunk, fourcc, list, partsLength, type Parts } from './riff';
import { waveFormat, type PcmFormat } from './wav';

export interface AviInput {
  width: number;
  height: number;
  /** Frames per second of the video stream (an integer: the media profile's rate). */
  fps: number;
  /** One per frame slot of 1/fps s, in order: the JPEG shown from that slot, or null to hold the picture before it. */
  slots: readonly (Uint8Array | null)[];
  /** The audio as one PCM run covering the same time (silence where nothing was recorded). */
  audio?: { format: PcmFormat; pcm: Uint8Array };
}

const AVIF_HASINDEX = 0x10;
const AVIF_ISINTERLEAVED = 0x100;
const AVIIF_KEYFRAME = 0x10;
const MAX_AVI_BYTES = 0x7fff_ffff;

interface IndexRow {
  id: string;
  flags: number;
  offset: number;
  size: number;
}

function streamHeader(type: 'vids' | 'auds', handler: string, scale: number, rate: number, length: number, bufferSize: number, sampleSize: number, w: number, h: number): Uint8Array {
  return new LeWriter(56)
    .code(type)
    .code(handler)
    .u32(0) // dwFlags
    .u16(0) // wPriority
    .u16(0) // wLanguage
    .u32(0) // dwInitialFrames
    .u32(scale)
    .u32(rate)
    .u32(0) // dwStart
    .u32(length)
    .u32(bufferSize)
    .u32(0xffffffff) // dwQuality: default
    .u32(sampleSize)
    .i16(0)
    .i16(0)
    .i16(w)
    .i16(h)
    .done();
}

function bitmapInfo(width: number, height: number): Uint8Array {
  return new LeWriter(40)
    .u32(40)
    .u32(width)
    .u32(height)
    .u16(1) // planes
    .u16(24) // bit count of the decoded picture
    .code('MJPG')
    .u32(width * height * 3)
    .u32(0)
    .u32(0)
    .u32(0)
    .u32(0)
    .done();
}

/** The AVI file as parts to write in order. */
export function muxAvi(input: AviInput): Parts {
  const { fps, slots, audio } = input;
  if (!Number.isInteger(fps) || fps <= 0) throw new RangeError(`AVI frame rate must be a positive integer, got ${fps}`);
  const blockAlign = audio ? audio.format.channels * (audio.format.bitsPerSample / 8) : 0;
  const audioBlocks = audio ? Math.floor(audio.pcm.length / blockAlign) : 0;
  /** First audio block of a slot: slots and audio blocks advance together. */
  const audioAt = (slot: number) => Math.min(audioBlocks, Math.round((slot * (audio?.format.sampleRate ?? 0)) / fps));

  // movi: for each slot its picture, then the audio of that slot's time.
  const movi: Uint8Array[] = [fourcc('movi')];
  const index: IndexRow[] = [];
  let at = 4; // idx1 offsets count from the 'movi' fourcc
  let maxChunk = 0;
  const add = (id: string, data: Uint8Array, flags: number) => {
    const parts = chunk(id, data.length ? [data] : []);
    index.push({ id, flags, offset: at, size: data.length });
    movi.push(...parts);
    at += partsLength(parts);
    maxChunk = Math.max(maxChunk, data.length);
  };
  for (let i = 0; i < slots.length; i++) {
    const jpeg = slots[i];
    // An empty chunk holds the previous picture: a gap costs nothing and keeps the clock right.
    add('00dc', jpeg ?? new Uint8Array(0), jpeg ? AVIIF_KEYFRAME : 0);
    if (audio) {
      const a = audioAt(i);
      const b = i === slots.length - 1 ? audioBlocks : audioAt(i + 1);
      if (b > a) add('01wb', audio.pcm.subarray(a * blockAlign, b * blockAlign), AVIIF_KEYFRAME);
    }
  }

  const idx = new LeWriter(16 * index.length);
  for (const r of index) idx.code(r.id).u32(r.flags).u32(r.offset).u32(r.size);

  const streams = audio ? 2 : 1;
  const seconds = slots.length / fps || 1;
  const avih = new LeWriter(56)
    .u32(Math.round(1_000_000 / fps))
    .u32(Math.ceil(at / seconds)) // dwMaxBytesPerSec (an average: a hint only)
    .u32(0)
    .u32(AVIF_HASINDEX | AVIF_ISINTERLEAVED)
    .u32(slots.length)
    .u32(0)
    .u32(streams)
    .u32(maxChunk + 8)
    .u32(input.width)
    .u32(input.height)
    .u32(0)
    .u32(0)
    .u32(0)
    .u32(0)
    .done();
  const maxFrame = slots.reduce((m, s) => Math.max(m, s?.length ?? 0), 0);
  const video = list('strl', [
    ...chunk('strh', [streamHeader('vids', 'MJPG', 1, fps, slots.length, maxFrame, 0, input.width, input.height)]),
    ...chunk('strf', [bitmapInfo(input.width, input.height)]),
  ]);
  const hdrlChildren = [...chunk('avih', [avih]), ...video];
  if (audio) {
    const f = audio.format;
    const perSlot = Math.ceil(f.sampleRate / fps) * blockAlign;
    hdrlChildren.push(
      ...list('strl', [
        ...chunk('strh', [streamHeader('auds', '\0\0\0\0', blockAlign, f.sampleRate * blockAlign, audioBlocks, perSlot, blockAlign, 0, 0)]),
        ...chunk('strf', [waveFormat(f, true)]),
      ]),
    );
  }
  const file = list('AVI ', [...list('hdrl', hdrlChildren), ...chunk('LIST', movi), ...chunk('idx1', [idx.done()])], 'RIFF');
  if (partsLength(file) > MAX_AVI_BYTES) throw new RangeError('recording too large for an AVI 1.0 file (2 GB)');
  return file;
}
