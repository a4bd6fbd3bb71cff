// Fix state with hysteresis: a single good or bad epoch does not flip it. A receiver
// reports a fix lost for an epoch or two under a bridge; announcing each would flood the
// recorder with events, and announcing a fix on its first epoch would stamp evidence with
// the wild first solution after a cold start.

export interface FixHysteresisOptions {
  /** Consecutive fixed epochs before the fix counts as gained (default 2). */
  gain?: number;
  /** Consecutive unfixed epochs before the fix counts as lost (default 3). */
  loss?: number;
}

export class FixHysteresis {
  readonly gain: number;
  readonly loss: number;
  #fixed = false;
  #run = 0;

  constructor(options: FixHysteresisOptions = {}) {
    this.gain = positive(options.gain, 2);
    this.loss = positive(options.loss, 3);
  }

  get fixed(): boolean {
    return this.#fixed;
  }

  /** One epoch; returns the new state when it changes, else undefined. */
  update(fixed: boolean): boolean | undefined {
    if (fixed === this.#fixed) {
      this.#run = 0;
      return undefined;
    }
    if (++this.#run < (fixed ? this.gain : this.loss)) return undefined;
    this.#run = 0;
    this.#fixed = fixed;
    return fixed;
  }

  /** The receiver stopped talking: the fix is gone now, without waiting for epochs. */
  lose(): boolean | undefined {
    this.#run = 0;
    if (!this.#fixed) return undefined;
    this.#fixed = false;
    return false;
  }
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value >= 1)) throw new RangeError('hysteresis counts are integers ≥ 1');
  return value;
}
