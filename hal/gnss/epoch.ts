// One navigation epoch from its GGA and RMC sentences. Receivers send both for each
// solution, in either order (u-blox: RMC then GGA; Quectel: GGA then RMC), with the same
// UTC time. An epoch is complete when both have arrived, or when a sentence for another
// time shows that the missing one was lost on the line.
import type { Gga, Rmc, Sentence } from './nmea';

export interface Epoch {
  gga: Gga | undefined;
  rmc: Rmc | undefined;
}

/** ms per knot: 1852 m per hour. */
const KNOT = 1852 / 3600;

export class EpochAssembler {
  #pending: Epoch | undefined;

  /** Takes a sentence; returns the epoch it completes (or the earlier one it closes), if any. */
  accept(s: Sentence): Epoch | undefined {
    if (s.type !== 'GGA' && s.type !== 'RMC') return undefined;
    let done: Epoch | undefined;
    const p = this.#pending;
    if (p) {
      const other = p.gga ?? p.rmc!;
      const slotTaken = s.type === 'GGA' ? p.gga !== undefined : p.rmc !== undefined;
      if (other.time !== s.time || slotTaken) {
        done = p;
        this.#pending = undefined;
      }
    }
    const q = (this.#pending ??= { gga: undefined, rmc: undefined });
    if (s.type === 'GGA') q.gga = s;
    else q.rmc = s;
    if (q.gga && q.rmc) {
      // A pair completes only in a pending epoch that was not just closed, so `done` is unset here.
      this.#pending = undefined;
      return q;
    }
    return done;
  }

  /** Gives up the incomplete epoch, if any (the receiver went silent). */
  flush(): Epoch | undefined {
    const p = this.#pending;
    this.#pending = undefined;
    return p;
  }
}

/** What an epoch says, in the units the GNSS sample uses. */
export interface EpochSummary {
  fix: boolean;
  quality: number;
  latitude: number | undefined;
  longitude: number | undefined;
  altitude: number | undefined;
  /** m/s */
  speed: number | undefined;
  heading: number | undefined;
  satellites: number | undefined;
  hdop: number | undefined;
  /** ms since midnight UTC and ms since 1970 of the date, when known. */
  time: number | undefined;
  date: number | undefined;
}

/**
 * A fix needs every sentence of the epoch to say so: GGA quality 1–5 (a measured solution,
 * not dead reckoning, manual or simulated) with a position, RMC status A with a position
 * and a mode other than N (not valid) or E (estimated).
 */
export function summarize(e: Epoch): EpochSummary {
  const { gga, rmc } = e;
  const ggaFix = gga ? gga.quality >= 1 && gga.quality <= 5 && gga.latitude !== undefined : true;
  const rmcFix = rmc ? rmc.valid && rmc.latitude !== undefined && rmc.mode !== 'N' && rmc.mode !== 'E' : true;
  const fix = ggaFix && rmcFix;
  const src = gga?.latitude !== undefined ? gga : rmc;
  return {
    fix,
    quality: gga ? gga.quality : fix ? 1 : 0,
    latitude: fix ? src?.latitude : undefined,
    longitude: fix ? src?.longitude : undefined,
    altitude: fix ? gga?.altitude : undefined,
    speed: fix && rmc?.knots !== undefined ? rmc.knots * KNOT : undefined,
    heading: fix ? rmc?.course : undefined,
    satellites: gga?.satellites,
    hdop: gga?.hdop,
    time: gga?.time ?? rmc?.time,
    date: rmc?.date,
  };
}
