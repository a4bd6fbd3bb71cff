// A single Li-ion cell behind the board's 1:2 divider, as the ADC pin sees it. Charge is drawn
// at a current the simulator sets over time (recording draws more than standby; a negative
// current charges); the terminal voltage is the open-circuit voltage for the state of charge,
// along a typical discharge curve from 4.2 V to 3.0 V, less the sag across the internal resistance.
import type { AnalogPart } from '../board/sim-board';
import type { Scheduler } from '../time/scheduler';

export interface BatteryOptions {
  capacityMah: number;
  /** State of charge at the start, 0…1. */
  charge?: number;
  /** Current drawn from the cell (mA); negative while charging. */
  drawMa?: number;
  internalResistanceMilliohm?: number;
  /** Cell voltage ÷ pin voltage (hal/board.ts: two 100 kΩ, so 2). */
  dividerRatio?: number;
}

/** Open-circuit voltage (mV) against state of charge (%) of a typical LiCoO2/graphite cell at low rate. */
export const OCV_CURVE: readonly (readonly [percent: number, mv: number])[] = [
  [0, 3000], [1, 3300], [3, 3480], [5, 3580], [8, 3650], [10, 3680], [15, 3710], [20, 3730],
  [30, 3770], [40, 3800], [50, 3840], [60, 3870], [70, 3950], [80, 4020], [90, 4110], [100, 4200],
];

export function openCircuitMv(percent: number): number {
  const p = Math.min(100, Math.max(0, percent));
  for (let i = 1; i < OCV_CURVE.length; i++) {
    const [p1, v1] = OCV_CURVE[i];
    const [p0, v0] = OCV_CURVE[i - 1];
    if (p <= p1) return v0 + ((v1 - v0) * (p - p0)) / (p1 - p0);
  }
  return OCV_CURVE[OCV_CURVE.length - 1][1];
}

export class BatteryModel implements AnalogPart {
  readonly capacityMah: number;
  readonly internalResistanceMilliohm: number;
  readonly dividerRatio: number;
  readonly #scheduler: Scheduler;
  #remainingMah: number;
  #drawMa: number;
  #since: number;

  constructor(scheduler: Scheduler, options: BatteryOptions) {
    if (!(options.capacityMah > 0)) throw new RangeError('capacityMah must be positive');
    this.#scheduler = scheduler;
    this.capacityMah = options.capacityMah;
    this.#remainingMah = options.capacityMah * Math.min(1, Math.max(0, options.charge ?? 1));
    this.#drawMa = options.drawMa ?? 0;
    this.internalResistanceMilliohm = options.internalResistanceMilliohm ?? 150;
    this.dividerRatio = options.dividerRatio ?? 2;
    this.#since = scheduler.now();
  }

  /** Changes the current drawn from now on (mA; negative charges). */
  set drawMa(ma: number) {
    this.#integrate();
    this.#drawMa = ma;
  }

  get drawMa(): number {
    return this.#drawMa;
  }

  /** Sets the state of charge (0…1): a scenario's swapped or drained cell. */
  setCharge(fraction: number): void {
    this.#integrate();
    this.#remainingMah = this.capacityMah * Math.min(1, Math.max(0, fraction));
  }

  /** State of charge now, 0…1. */
  get charge(): number {
    this.#integrate();
    return this.#remainingMah / this.capacityMah;
  }

  /** Cell terminal voltage now (mV): open-circuit voltage less the load's sag; 0 once flat and loaded. */
  get terminalMv(): number {
    const ocv = openCircuitMv(this.charge * 100);
    if (this.#remainingMah <= 0 && this.#drawMa > 0) return 0;
    return Math.max(0, ocv - (this.#drawMa * this.internalResistanceMilliohm) / 1000);
  }

  /** The ADC pin's voltage, through the divider. */
  millivolts(): number {
    return this.terminalMv / this.dividerRatio;
  }

  #integrate(): void {
    const now = this.#scheduler.now();
    const hours = (now - this.#since) / 3_600_000;
    this.#since = now;
    this.#remainingMah = Math.min(this.capacityMah, Math.max(0, this.#remainingMah - this.#drawMa * hours));
  }
}
