// A stored spoken prompt (the statutory notice, the request to explain an interruption):
// 16-bit little-endian mono LPCM, built from resources/build-clips.mjs. On the device the
// bytes are a flash resource; nothing here copies them.
import { Digest } from "crypt";

export interface Clip {
  /** The samples: 16-bit little-endian mono LPCM, an even number of bytes. */
  samples: ArrayBuffer;
  sampleRate: number;
}

export function clipSampleCount(clip: Clip): number {
  return clip.samples.byteLength >> 1;
}

export function clipDurationMs(clip: Clip): number {
  return (clipSampleCount(clip) * 1000) / clip.sampleRate;
}

/** SHA-256 of the clip's bytes (native Digest): what the journal records of the words spoken. */
export function clipSha256(clip: Clip): ArrayBuffer {
  const digest = new Digest("SHA256");
  digest.write(clip.samples);
  return digest.close();
}
