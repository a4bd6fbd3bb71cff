import device from 'embedded:provider/builtin';
import { BOARD } from '../../hal/board';
import { SimBoard } from '../../host-sim/board/sim-board';
import { useBoard } from '../../host-sim/board/current';
import { Pcf8563 } from '../../host-sim/models/pcf8563';

test('the provider describes the XIAO ESP32S3 Sense as Moddable does, and its I2C default reaches the board', () => {
  expect(device.pin).toEqual({ button: 0, led: 21 });
  // Moddable's defaults carry their IO class (`io`), which @moddable/typings' declaration omits.
  const d = device.I2C.default as typeof device.I2C.default & { io: new (o: object) => { write(b: Uint8Array, stop?: boolean): void; read(n: number): ArrayBuffer } };
  expect({ data: d.data, clock: d.clock, port: d.port }).toEqual({ data: BOARD.i2c.data, clock: BOARD.i2c.clock, port: BOARD.i2c.port });
  const board = new SimBoard();
  useBoard(board);
  board.attachI2c(1, 0x51, new Pcf8563({ scheduler: board.scheduler }));
  const i2c = new d.io({ ...d, hz: 100_000, address: 0x51 });
  i2c.write(Uint8Array.of(0x00), false);
  expect(new Uint8Array(i2c.read(1))).toHaveLength(1);
  (i2c as unknown as { close(): void }).close();
  expect(Object.isFrozen(device)).toBe(true);
});
