// What the host's AudioIn and AudioOut share: the ECMA-419 audio stream options and the
// one format the simulated parts carry (16-bit mono LPCM, "buffer" format).

export interface AudioStreamOptions {
  sampleRate?: number;
  bitsPerSample?: 8 | 16;
  channels?: 1 | 2;
  audioType?: 'LPCM';
  format?: 'buffer';
  target?: unknown;
  blockDuration?: number;
  bufferSamples?: number;
}

/** Checks the options against 16-bit mono LPCM; returns the sample rate and block duration (ms). */
export function checkAudioStream(options: AudioStreamOptions, part: string, defaultBlockMs: number): { sampleRate: number; blockMs: number } {
  const sampleRate = options.sampleRate ?? 16000;
  if (!(Number.isInteger(sampleRate) && sampleRate > 0)) throw new RangeError('invalid sampleRate');
  if ((options.bitsPerSample ?? 16) !== 16) throw new RangeError(`host ${part}: bitsPerSample 16 only`);
  if ((options.channels ?? 1) !== 1) throw new RangeError(`host ${part}: mono only`);
  if ((options.audioType ?? 'LPCM') !== 'LPCM') throw new RangeError('audioType must be "LPCM"');
  if ((options.format ?? 'buffer') !== 'buffer') throw new RangeError('format must be "buffer"');
  const blockMs = options.blockDuration ?? defaultBlockMs;
  if (!(blockMs > 0)) throw new RangeError('blockDuration must be > 0');
  return { sampleRate, blockMs };
}
