// hal/board.ts on its own: every GPIO it names is used once, the I2C parts have distinct
// addresses, and the speaker is on none of the S3's special pins.
import { BOARD } from '../../hal/board';

/** Fields of BOARD's entries that are not GPIO numbers. */
const NOT_PINS = new Set(['port', 'hz', 'baud', 'sampleRate', 'address', 'pollMs', 'width', 'dividerRatio', 'expanderPin', 'activeLow']);

/** Every GPIO the board names, as "part.field". */
function gpios(): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [part, value] of Object.entries(BOARD)) {
    if (typeof value !== 'object') continue;
    for (const [field, v] of Object.entries(value)) if (typeof v === 'number' && !NOT_PINS.has(field)) out.push([`${part}.${field}`, v]);
  }
  return out;
}

test('no GPIO is named twice, except the card\'s DAT3, which is the LED\'s net by the board\'s wiring', () => {
  const seen = new Map<number, string[]>();
  for (const [what, pin] of gpios()) seen.set(pin, [...(seen.get(pin) ?? []), what]);
  const twice = [...seen].filter(([, uses]) => uses.length > 1).map(([pin, uses]) => `GPIO${pin}: ${uses.join(', ')}`);
  expect(twice).toEqual(['GPIO21: card.d3, led.pin']);
  // The walk saw the parts that moved: the speaker on its new pins, no GNSS or vibration GPIO.
  expect(gpios().filter(([w]) => w.startsWith('speaker.')).map(([, p]) => p)).toEqual([43, 44, 4]);
  expect(gpios().filter(([w]) => w.startsWith('gnss.') || w.startsWith('vibration.'))).toEqual([]);
});

test('the I2C parts have distinct 7-bit addresses on the one bus; the motor is on one of the expander\'s 8 pins', () => {
  const addresses = [BOARD.gnss.address, BOARD.expander.address, BOARD.rtc.address, BOARD.secureElement.address];
  expect(new Set(addresses).size).toBe(4);
  for (const a of addresses) expect(a >= 0x08 && a <= 0x77).toBe(true); // not a reserved I2C address
  expect(BOARD.vibration.expanderPin >= 0 && BOARD.vibration.expanderPin <= 7).toBe(true);
});

test('the speaker is on no strapping (0, 3, 45, 46), USB (19, 20) or in-module flash/PSRAM (26-37) pin', () => {
  const special = new Set([0, 3, 45, 46, 19, 20, ...Array.from({ length: 12 }, (_, i) => 26 + i)]);
  expect([BOARD.speaker.bck, BOARD.speaker.lr, BOARD.speaker.dataOut].filter((p) => special.has(p))).toEqual([]);
});
