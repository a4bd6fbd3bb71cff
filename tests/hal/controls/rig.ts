// A simulated board with the body camera's controls attached as hal/board.ts wires them.
import { SimBoard } from '../../../host-sim/board/sim-board';
import { useBoard } from '../../../host-sim/board/current';
import { ButtonModel } from '../../../host-sim/models/button';
import { IndicatorRecorder } from '../../../host-sim/models/indicator';
import { BatteryModel, type BatteryOptions } from '../../../host-sim/models/battery';
import { Pca9554Model } from '../../../host-sim/models/pca9554';
import { BOARD } from '../../../hal/board';

export interface ControlsRig {
  board: SimBoard;
  record: ButtonModel;
  mark: ButtonModel;
  led: IndicatorRecorder;
  vibration: IndicatorRecorder;
  /** The I/O expander on the I2C bus, the vibration motor on its pin. */
  expander: Pca9554Model;
  battery: BatteryModel;
  /** Runs virtual time up to t. */
  until(t: number): void;
}

export function controlsRig(seed = 1, battery: Partial<BatteryOptions> = {}): ControlsRig {
  const board = new SimBoard();
  useBoard(board);
  const record = new ButtonModel(board.scheduler, { seed });
  const mark = new ButtonModel(board.scheduler, { seed: seed + 1000 });
  const led = new IndicatorRecorder({ activeLow: BOARD.led.activeLow });
  const vibration = new IndicatorRecorder({ activeLow: BOARD.vibration.activeLow });
  const cell = new BatteryModel(board.scheduler, { capacityMah: 1000, dividerRatio: BOARD.battery.dividerRatio, ...battery });
  board.attachDigital(BOARD.buttons.record, record);
  board.attachDigital(BOARD.buttons.mark, mark);
  board.attachDigital(BOARD.led.pin, led);
  const expander = new Pca9554Model(board.scheduler);
  expander.attach(BOARD.vibration.expanderPin, vibration);
  board.attachI2c(BOARD.i2c.port, BOARD.expander.address, expander);
  board.attachAnalog(BOARD.battery.pin, cell);
  return { board, record, mark, led, vibration, expander, battery: cell, until: (t) => board.scheduler.runUntil(t) };
}
