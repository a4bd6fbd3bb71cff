// Lays a recording's frames and audio on one clock at the media profile's frame rate, so
// a player shows each picture at its capture time and the copy lasts as long as the
// recording: a slot without a new picture holds the last one (none before the first),
// time without audio (an interruption, a fault) is silence. Nothing is resampled or
// re-encoded, and no picture is shown twice or before it was taken.
import type { AudioSample, FrameSample } from './recordings';
import type { PcmFormat } from './wav';

/** Frame rates of the media profiles the firmware records (firmware/main.ts MEDIA_PROFILE). */
const PROFILE_FPS: Record<string, number> = { 'qvga-3-16k': 3 };

export interface Timeline {
  /** Wall-clock ms of slot 0 / audio sample 0. */
  startAt: number;
  durationMs: number;
  fps: number;
  width: number;
  height: number;
  /** Per 1/fps slot: the JPEG first shown then, or null (hold the previous picture). */
  slots: (Uint8Array | null)[];
  audio: { format: PcmFormat; pcm: Uint8Array } | null;
  /** Stored pictures placed. */
  frames: number;
  /** Milliseconds of audio that are silence because nothing was recorded then. */
  silentMs: number;
  /** Audio chunks left out because their format differs from the recording's first chunk. */
  otherFormatChunks: number;
}

/** The frame rate: the profile's, or else the median spacing of the capture times. */
export function frameRate(profile: string | null, frames: readonly FrameSample[]): number {
  if (profile !== null && PROFILE_FPS[profile]) return PROFILE_FPS[profile];
  const gaps = frames
    .slice(1)
    .map((f, i) => f.at - frames[i].at)
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  if (gaps.length === 0) return PROFILE_FPS['qvga-3-16k'];
  return Math.max(1, Math.min(60, Math.round(1000 / gaps[gaps.length >> 1])));
}

const sameFormat = (a: PcmFormat, b: PcmFormat) => a.sampleRate === b.sampleRate && a.channels === b.channels && a.bitsPerSample === b.bitsPerSample;
const blockOf = (f: PcmFormat) => f.channels * (f.bitsPerSample / 8);

export function buildTimeline(profile: string | null, frames: readonly FrameSample[], chunks: readonly AudioSample[]): Timeline | null {
  if (frames.length === 0 && chunks.length === 0) return null;
  const fps = frameRate(profile, frames);
  const format = chunks[0]?.format;
  const audio = format ? chunks.filter((c) => sameFormat(c.format, format)) : [];
  const chunkStart = (c: AudioSample) => c.end - ((c.samples.length / blockOf(c.format)) * 1000) / c.format.sampleRate;

  let startAt = Infinity;
  let endAt = -Infinity;
  for (const f of frames) {
    startAt = Math.min(startAt, f.at);
    endAt = Math.max(endAt, f.at + 1000 / fps);
  }
  for (const c of audio) {
    startAt = Math.min(startAt, chunkStart(c));
    endAt = Math.max(endAt, c.end);
  }

  // Video: each picture in the slot of its capture time, or the next free one.
  const slotCount = Math.max(1, Math.ceil(((endAt - startAt) * fps) / 1000 - 1e-6));
  const slots: (Uint8Array | null)[] = [];
  const ordered = [...frames].sort((a, b) => a.at - b.at || a.seq - b.seq);
  for (const f of ordered) {
    let slot = Math.round(((f.at - startAt) * fps) / 1000);
    if (slot < slots.length) slot = slots.length;
    while (slots.length < slot) slots.push(null);
    slots.push(f.image);
  }
  while (slots.length < slotCount) slots.push(null);
  // Audio: a chunk that continues the previous one's samples follows it exactly; any other is placed by its time.
  let pcm: Uint8Array | null = null;
  let silentBlocks = 0;
  if (format) {
    const block = blockOf(format);
    const total = Math.round((slots.length * format.sampleRate) / fps);
    pcm = new Uint8Array(total * block);
    if (format.bitsPerSample === 8) pcm.fill(0x80); // 8-bit PCM is unsigned: silence is 128
    let written = 0;
    let next: { session: number; sample: number } | null = null;
    for (const c of audio) {
      const n = c.samples.length / block;
      const continues = next !== null && next.session === c.session && next.sample === c.firstSample;
      const at = Math.max(written, continues ? written : Math.round(((chunkStart(c) - startAt) * format.sampleRate) / 1000));
      if (at >= total) break;
      const take = Math.min(Math.floor(n), total - at);
      pcm.set(c.samples.subarray(0, take * block), at * block);
      silentBlocks += at - written;
      written = at + take;
      next = { session: c.session, sample: c.firstSample + n };
    }
    silentBlocks += total - written;
  }
  return {
    startAt,
    durationMs: (slots.length * 1000) / fps,
    fps,
    width: frames[0]?.width ?? 320,
    height: frames[0]?.height ?? 240,
    slots,
    audio: format && pcm ? { format, pcm } : null,
    frames: frames.length,
    silentMs: format ? Math.round((silentBlocks * 1000) / format.sampleRate) : 0,
    otherFormatChunks: chunks.length - audio.length,
  };
}
