// The I2C bus with its four parts (GNSS DDC 0x42, I/O expander 0x20, RTC 0x51, secure element
// 0x60) while the device boots through device-main and records: bits on the wire per part,
// counted from the transactions the firmware makes (docs/HARDWARE.md "Pin budget" quotes the
// figure). A count, not a timing: the same on every machine.
import type { I2cTarget } from '../../host-sim/board/sim-board';
import { SimDevice } from '../../host-sim/device/sim-device';
import { BOARD } from '../../hal/board';
import { newStore, provisioning, record, START } from '../maintenance/fixture';

/** Bit times of one transaction: START, the address byte and each data byte with its ACK (9 each), STOP or repeated START. */
const bits = (bytes: number) => 1 + 9 * (1 + bytes) + 1;

test('the four parts together use under 5 % of the 400 kHz bus; the GNSS polling is almost all of it', () => {
  const store = newStore();
  const dev = new SimDevice({ entry: 'device-main', provisioning: provisioning(store.identity().publicKey), blockCount: 1024, preEventMs: 5000, start: START, seed: 3 });
  dev.powerOn();
  const bus = dev.board.i2c.get(BOARD.i2c.port)!;
  const used = new Map<number, number>();
  // The secure element's wake (a 0x00 byte sent to address 0x00, holding SDA low) counts as its own.
  const owner = (address: number) => (address === 0x00 ? BOARD.secureElement.address : address);
  for (const [address, part] of [...bus]) {
    used.set(owner(address), 0);
    const add = (n: number) => used.set(owner(address), used.get(owner(address))! + bits(n));
    const counting: I2cTarget = {
      write: (data, stop) => (add(data.length), part.write(data, stop)),
      read: (length, stop) => (add(length), part.read(length, stop)),
    };
    bus.set(address, counting);
  }
  expect([...used.keys()].sort((a, b) => a - b)).toEqual([BOARD.expander.address, BOARD.gnss.address, BOARD.rtc.address, BOARD.secureElement.address]);
  const from = dev.scheduler.now();
  dev.runUntil(from + 20_000);
  record(dev, 60); // signing, vibration confirms, the RTC read at every entry
  dev.runUntil(from + 120_000);
  const seconds = (dev.scheduler.now() - from) / 1000;
  const load = (address: number) => used.get(address)! / seconds / BOARD.i2c.hz;
  const total = [...used.keys()].reduce((a, k) => a + load(k), 0);
  expect(total).toBeLessThan(0.05);
  expect(load(BOARD.gnss.address)).toBeGreaterThan(0.01); // ~700 B/s of NMEA read, 4 polls a second
  expect(load(BOARD.gnss.address) / total).toBeGreaterThan(0.9);
  expect(used.get(BOARD.expander.address)).toBeGreaterThan(0); // the confirm buzz went through it
  if (process.env.QUANCHENG_FIGURES) console.log(Object.fromEntries([...used.keys()].map((k) => [`0x${k.toString(16)}`, `${(load(k) * 100).toFixed(4)} % (${used.get(k)} bits)`])), `total ${(total * 100).toFixed(2)} %`);
  dev.switchOff();
});
