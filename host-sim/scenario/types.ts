// Scenarios are data: a device, its provisioning, and a timeline of what happens to it.
// `quancheng sim` runs them; tests and CI use the built-ins (host-sim/scenario/builtin/).

export type Gesture = 'short' | 'long';

export type ScenarioEvent =
  | { at: number; do: 'press'; button: 'record' | 'mark' | 'both'; gesture: Gesture }
  | { at: number; do: 'interrupt'; reason: 'weather' | 'obstruction' | 'other'; detail: string }
  | { at: number; do: 'camera-fault' | 'microphone-fault' | 'speaker-fault' | 'gnss-loss'; on: boolean }
  | { at: number; do: 'battery'; percent: number }
  | { at: number; do: 'power-cut'; offMs: number }
  | { at: number; do: 'case'; caseNumber: string; kind: 'licensing' | 'penalty' | 'coercive-measure' | 'inspection' | 'confirmation' | 'ruling' | 'other'; stage: number }
  | { at: number; do: 'continuous'; on: boolean }
  | { at: number; do: 'delete'; target: string }
  | { at: number; do: 'switch-off' | 'switch-on' }
  /** The card pulled out of the slot; put back in (the same card, or a blank one). */
  | { at: number; do: 'card-pull' }
  | { at: number; do: 'card-insert'; card: 'same' | 'blank' }
  | { at: number; do: 'end' };

export interface Scenario {
  name: string;
  description: string;
  device: {
    deviceId: string;
    /** Storage partition, 4 KB blocks. */
    blockCount: number;
    preEventSeconds: number;
    /** World time when the device is switched on (ISO 8601 with offset). */
    start: number;
    /** The RTC lost its backup supply before power-on (the clock must be set). */
    rtcLost: boolean;
    /** Where the officer walks: waypoints at ms from start. */
    track: { at: number; latitude: number; longitude: number }[];
    /** The GNSS line's faults: σ of position noise (m), and per-sentence chances of garbage bytes and checksum errors. */
    gnss: { positionNoise: number; garbage: number; checksumErrors: number };
    /** A microSD card in the slot at power-on (media entries go there, at vga-10-16k): its size in MiB. */
    card: { sizeMiB: number } | null;
    /** The unit encrypts every entry to the simulated store's content key (host-sim/keys/sim-store-key.ts, from the seed); false: it records in the clear. */
    encryption: boolean;
  };
  officer: { name: string; certificate: string; unit: string } | null;
  timeline: ScenarioEvent[];
}
