// The satellites the simulated receiver sees: per constellation a fixed, seeded set with
// elevations and azimuths that drift slowly, carrier-to-noise that grows with elevation,
// and the "used in fix" set a receiver reports in GSA and counts in GGA.
import type { Random } from '../random';

export type GnssSystem = 'GPS' | 'GLONASS' | 'Galileo' | 'BeiDou';

/** NMEA 4.10 system ids (GSA field 18) and the satellite id ranges NMEA 4.10 gives each. */
export const SYSTEMS: Record<GnssSystem, { systemId: number; firstId: number; ids: number; signal: number }> = {
  GPS: { systemId: 1, firstId: 1, ids: 32, signal: 1 },
  GLONASS: { systemId: 2, firstId: 65, ids: 24, signal: 1 },
  Galileo: { systemId: 3, firstId: 1, ids: 36, signal: 7 },
  BeiDou: { systemId: 4, firstId: 1, ids: 37, signal: 1 },
};

export interface SatelliteView {
  id: number;
  /** Degrees. */
  elevation: number;
  azimuth: number;
  /** dB-Hz, undefined when not tracked. */
  snr: number | undefined;
  used: boolean;
}

interface Satellite {
  id: number;
  elevation: number;
  azimuth: number;
  /** Degrees per second of azimuth drift. */
  drift: number;
  snrBias: number;
}

/** A receiver uses a satellite above this elevation and carrier-to-noise. */
const MASK_ELEVATION = 10;
const MIN_SNR = 28;

export class Sky {
  readonly #systems = new Map<GnssSystem, Satellite[]>();
  readonly #random: Random;

  constructor(visible: Partial<Record<GnssSystem, number>>, random: Random) {
    this.#random = random;
    for (const [system, count] of Object.entries(visible) as [GnssSystem, number][]) {
      if (!count) continue;
      const info = SYSTEMS[system];
      const ids = new Set<number>();
      while (ids.size < Math.min(count, info.ids)) ids.add(info.firstId + random.int(info.ids));
      this.#systems.set(
        system,
        [...ids].sort((a, b) => a - b).map((id) => ({ id, elevation: 5 + random.int(80), azimuth: random.int(360), drift: 0.002 + random.next() * 0.004, snrBias: random.range(-3, 3) })),
      );
    }
  }

  get systems(): GnssSystem[] {
    return [...this.#systems.keys()];
  }

  /** The view at `seconds` since start; blocked: the sky is obstructed (no fix), only a few weak signals remain. */
  view(system: GnssSystem, seconds: number, blocked: boolean): SatelliteView[] {
    const sats = this.#systems.get(system) ?? [];
    let used = 0;
    return sats.map((s) => {
      const elevation = s.elevation;
      const azimuth = Math.round(s.azimuth + s.drift * seconds) % 360;
      const tracked = !blocked || this.#random.chance(0.2);
      const snr = tracked ? Math.round(Math.min(50, 22 + elevation / 3 + s.snrBias + this.#random.range(-1, 1) - (blocked ? 12 : 0))) : undefined;
      const use = !blocked && snr !== undefined && snr >= MIN_SNR && elevation >= MASK_ELEVATION && used < 12;
      if (use) used++;
      return { id: s.id, elevation, azimuth, snr, used: use };
    });
  }
}
