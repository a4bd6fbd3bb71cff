// WAV (RIFF WAVE) of 16-bit or 8-bit little-endian PCM: the recording's audio alone.
import { LeWriter, chunk, list, type Parts } from './riff';

export interface PcmFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

/** The 16-byte WAVEFORMAT/PCMWAVEFORMAT of the fmt chunk (18 with cbSize, as AVI's strf wants). */
export function waveFormat(f: PcmFormat, withCbSize: boolean): Uint8Array {
  const blockAlign = f.channels * (f.bitsPerSample / 8);
  const w = new LeWriter(withCbSize ? 18 : 16)
    .u16(1) // WAVE_FORMAT_PCM
    .u16(f.channels)
    .u32(f.sampleRate)
    .u32(f.sampleRate * blockAlign)
    .u16(blockAlign)
    .u16(f.bitsPerSample);
  if (withCbSize) w.u16(0);
  return w.done();
}

export function wavParts(f: PcmFormat, pcm: Uint8Array): Parts {
  return list('WAVE', [...chunk('fmt ', [waveFormat(f, false)]), ...chunk('data', [pcm])], 'RIFF');
}
