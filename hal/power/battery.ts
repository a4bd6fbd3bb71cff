// The battery gauge: the cell seen through the 1:2 divider on an ADC1 pin (hal/board.ts). Each
// tick reads the calibrated ADC (mV = value × 2450 / 4095 on the ESP32-S3 at 12 dB), undoes the
// divider, adds back the sag the known load causes across the cell's resistance, averages the
// last readings and maps the result to a state of charge. Low and critical are each reported
// once, and again only after the charge has risen clear of the threshold (charging), so noise
// and the load stepping between standby and recording cannot repeat them.
import Timer from "timer";
import { percentFromMillivolts } from "./charge-curve";

/** An ECMA-419 Analog (device.io.Analog). @moddable/typings omits its close(), which Moddable has. */
export interface AnalogInput {
  read(): number;
  close?(): void;
}
export type AnalogClass = new (options: { pin: number }) => AnalogInput;

/** ESP32-S3 calibrated full scale at 12 dB attenuation (mV) and the 12-bit maximum. */
const FULL_SCALE_MV = 2450;
const ADC_MAX = 4095;

export interface BatteryReading {
  /** Cell voltage (mV), averaged, corrected for the load. */
  millivolts: number;
  /** State of charge, 0…100 (whole percent). */
  percent: number;
}

export interface BatteryMonitorOptions {
  Analog: AnalogClass;
  pin: number;
  /** Cell voltage ÷ pin voltage. */
  dividerRatio: number;
  /** Between readings (ms). */
  intervalMs?: number;
  /** Readings in the moving average. */
  window?: number;
  lowPercent?: number;
  criticalPercent?: number;
  /** How far above a threshold the charge must rise before it can be reported again. */
  hysteresisPercent?: number;
  /** The cell's internal resistance plus wiring (mΩ), to correct for the load. */
  resistanceMilliohm?: number;
  onReading?(this: BatteryMonitor, reading: BatteryReading): void;
  onLow?(this: BatteryMonitor, reading: BatteryReading): void;
  onCritical?(this: BatteryMonitor, reading: BatteryReading): void;
}

export class BatteryMonitor {
  readonly #options: BatteryMonitorOptions;
  readonly #adc: AnalogInput;
  readonly #samples: number[] = [];
  readonly #window: number;
  readonly #low: number;
  readonly #critical: number;
  readonly #hysteresis: number;
  readonly #resistance: number;
  #timer: Timer | undefined;
  #lowArmed = true;
  #criticalArmed = true;
  #loadMa = 0;
  #reading: BatteryReading | undefined;

  constructor(options: BatteryMonitorOptions) {
    this.#options = options;
    this.#window = Math.max(1, options.window ?? 8);
    this.#low = options.lowPercent ?? 15;
    this.#critical = options.criticalPercent ?? 5;
    this.#hysteresis = options.hysteresisPercent ?? 5;
    this.#resistance = options.resistanceMilliohm ?? 150;
    this.#adc = new options.Analog({ pin: options.pin });
    // Fill the average at once so the first report is already smoothed.
    for (let i = 0; i < this.#window; i++) this.#sample();
    this.#timer = Timer.set(() => this.#tick(), 0, options.intervalMs ?? 5000);
  }

  /** The current the device draws now (mA), set by the firmware as it starts and stops recording. */
  set loadMa(ma: number) {
    this.#loadMa = ma;
  }

  get loadMa(): number {
    return this.#loadMa;
  }

  /** The latest reading, once the first tick has run. */
  get reading(): BatteryReading | undefined {
    return this.#reading;
  }

  close(): void {
    Timer.clear(this.#timer);
    this.#timer = undefined;
    this.#adc.close?.();
  }

  /** One ADC reading as the cell's resting voltage (mV). */
  #sample(): void {
    const pinMv = (this.#adc.read() * FULL_SCALE_MV) / ADC_MAX;
    const cellMv = pinMv * this.#options.dividerRatio + (this.#loadMa * this.#resistance) / 1000;
    this.#samples.push(cellMv);
    if (this.#samples.length > this.#window) this.#samples.shift();
  }

  #tick(): void {
    this.#sample();
    let sum = 0;
    for (const s of this.#samples) sum += s;
    const millivolts = Math.round(sum / this.#samples.length);
    const reading: BatteryReading = { millivolts, percent: Math.round(percentFromMillivolts(millivolts)) };
    this.#reading = reading;
    const o = this.#options;
    o.onReading?.call(this, reading);
    if (reading.percent > this.#low + this.#hysteresis) this.#lowArmed = true;
    if (reading.percent > this.#critical + this.#hysteresis) this.#criticalArmed = true;
    if (this.#lowArmed && reading.percent <= this.#low) {
      this.#lowArmed = false;
      o.onLow?.call(this, reading);
    }
    if (this.#criticalArmed && reading.percent <= this.#critical) {
      this.#criticalArmed = false;
      o.onCritical?.call(this, reading);
    }
  }
}
