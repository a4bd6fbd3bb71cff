// Binary-coded decimal, as RTC registers hold their fields: one decimal digit per nibble.

/** 0…99 → one BCD byte. */
export function toBcd(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 99) throw new RangeError(`BCD holds 0…99, not ${value}`);
  return ((value / 10) | 0) * 16 + (value % 10);
}

/** One BCD byte → 0…99, or undefined when a nibble is not a decimal digit (a corrupt register). */
export function fromBcd(byte: number): number | undefined {
  const tens = (byte >> 4) & 0x0f;
  const units = byte & 0x0f;
  return tens > 9 || units > 9 ? undefined : tens * 10 + units;
}
