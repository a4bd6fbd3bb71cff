// The CRC-16 of the ATECC508A/608A I/O protocol (datasheet §"CRC calculation"; the same
// routine as Microchip's cryptoauthlib atCRC): polynomial 0x8005, initial value 0, data bits
// fed least significant first, no final XOR; the result goes on the wire low byte first.
// It covers the count byte and everything after it up to the CRC itself, in commands and
// responses alike. Example: the wake response 04 11 ends in 33 43.

/** CRC-16 of `bytes[start, end)`. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    for (let bit = 0; bit < 8; bit++) {
      const dataBit = (byte >> bit) & 1;
      const crcBit = crc >> 15;
      crc = (crc << 1) & 0xffff;
      if (dataBit !== crcBit) crc ^= 0x8005;
    }
  }
  return crc;
}

/** True when the last two bytes of `packet` are the little-endian CRC-16 of the bytes before them. */
export function crcMatches(packet: Uint8Array): boolean {
  const n = packet.length;
  if (n < 3) return false;
  const crc = crc16(packet, 0, n - 2);
  return packet[n - 2] === (crc & 0xff) && packet[n - 1] === crc >> 8;
}

/** Writes the CRC of `packet[0, n - 2)` into its last two bytes, low byte first. */
export function appendCrc(packet: Uint8Array): Uint8Array {
  const n = packet.length;
  const crc = crc16(packet, 0, n - 2);
  packet[n - 2] = crc & 0xff;
  packet[n - 1] = crc >> 8;
  return packet;
}
