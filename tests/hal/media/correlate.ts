// Finding a known signal in a recording: cross-correlation by FFT for the best lag, then the
// normalised correlation (−1…1) of the signal with the recording at that lag.

function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang), wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k, b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci, xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/** Normalised correlation of `signal` with `recording` starting at `lag`. */
export function ncc(signal: Int16Array, recording: Int16Array, lag: number): number {
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < signal.length; i++) {
    const x = signal[i], y = recording[lag + i] ?? 0;
    sxy += x * y;
    sxx += x * x;
    syy += y * y;
  }
  return sxy / Math.sqrt(sxx * syy || 1);
}

/** The lag at which `signal` best matches `recording`, and the normalised correlation there. */
export function findSignal(signal: Int16Array, recording: Int16Array): { lag: number; ncc: number } {
  let n = 1;
  while (n < signal.length + recording.length) n <<= 1;
  const ar = new Float64Array(n), ai = new Float64Array(n), br = new Float64Array(n), bi = new Float64Array(n);
  ar.set(recording);
  br.set(signal);
  fft(ar, ai, false);
  fft(br, bi, false);
  // recording ⋆ signal: R · conj(S)
  for (let k = 0; k < n; k++) {
    const r = ar[k] * br[k] + ai[k] * bi[k];
    const i = ai[k] * br[k] - ar[k] * bi[k];
    ar[k] = r;
    ai[k] = i;
  }
  fft(ar, ai, true);
  let lag = 0;
  for (let k = 1; k <= recording.length - signal.length; k++) if (ar[k] > ar[lag]) lag = k;
  return { lag, ncc: ncc(signal, recording, lag) };
}
