// The ATECC508A/608A I2C command protocol: word addresses, opcodes, status codes, execution
// times, the config-zone layout the driver reads, and command/response packets.
//
// On the wire (datasheet §"I/O transactions"), every I2C write starts with a word address:
//   0x00 reset (the next read starts over at the first byte of the output buffer),
//   0x01 sleep, 0x02 idle, 0x03 command followed by a command packet:
//   [count, opcode, param1, param2 (u16, low byte first), data…, CRC-16 (low byte first)]
//   where count covers the whole packet, itself and the CRC included (7 + data length).
// A read returns the output buffer: [count, data…, CRC-16]; a 4-byte response carries a
// status byte (or a one-byte result such as Nonce pass-through's 0x00).
import { appendCrc, crcMatches } from "./crc16";

export const WordAddress = {
  RESET: 0x00,
  SLEEP: 0x01,
  IDLE: 0x02,
  COMMAND: 0x03,
} as const;

export const Opcode = {
  READ: 0x02,
  NONCE: 0x16,
  RANDOM: 0x1b,
  INFO: 0x30,
  GENKEY: 0x40,
  SIGN: 0x41,
  ECDH: 0x43,
  VERIFY: 0x45,
} as const;

export const Status = {
  SUCCESS: 0x00,
  MISCOMPARE: 0x01,
  PARSE_ERROR: 0x03,
  ECC_FAULT: 0x05,
  EXECUTION_ERROR: 0x0f,
  AFTER_WAKE: 0x11,
  WATCHDOG_ABOUT_TO_EXPIRE: 0xee,
  CRC_ERROR: 0xff,
} as const;

const STATUS_TEXT: Record<number, string> = {
  [Status.MISCOMPARE]: "checkmac or verify miscompare",
  [Status.PARSE_ERROR]: "parse error: the device does not accept this opcode, mode, parameter or length",
  [Status.ECC_FAULT]: "ECC fault: the elliptic-curve computation failed",
  [Status.EXECUTION_ERROR]: "execution error: the command is not allowed by the device's configuration or state",
  [Status.AFTER_WAKE]: "the device had just woken up and did not run the command",
  [Status.WATCHDOG_ABOUT_TO_EXPIRE]: "watchdog about to expire: the device refused a command it could not finish before going to sleep",
  [Status.CRC_ERROR]: "the device received a command with a bad CRC",
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? `unknown status 0x${status.toString(16).padStart(2, "0")}`;
}

/** The 4-byte response to a wake: count 4, status 0x11 (after wake), CRC 33 43. */
export const WAKE_RESPONSE = Uint8Array.of(0x04, 0x11, 0x33, 0x43);

/**
 * Execution times, ms: when to poll first, and the longest the device may take (the
 * ATECC608 maxima at clock divider M0 that Microchip's cryptoauthlib waits for).
 */
export const EXECUTION_MS: Record<number, { first: number; max: number }> = {
  [Opcode.INFO]: { first: 1, max: 5 },
  [Opcode.READ]: { first: 1, max: 5 },
  [Opcode.NONCE]: { first: 1, max: 20 },
  [Opcode.RANDOM]: { first: 5, max: 23 },
  [Opcode.GENKEY]: { first: 20, max: 115 },
  [Opcode.SIGN]: { first: 20, max: 115 },
  [Opcode.ECDH]: { first: 20, max: 58 },
  [Opcode.VERIFY]: { first: 30, max: 105 },
};

/** Wake: SDA held low at least tWLO (60 µs), then tWHI (1500 µs) before the device listens. */
export const T_WHI_MS = 2;
/** The watchdog puts an awake device to sleep after tWATCHDOG: 0.7 s minimum, 1.3 s typical, 1.7 s maximum. */
export const WATCHDOG_MIN_MS = 700;

/** Config zone (128 bytes): the offsets the driver uses. */
export const Config = {
  SIZE: 128,
  /** SN[0:3] at 0…3, RevNum at 4…7, SN[4:8] at 8…12. */
  SN_0_3: 0,
  SN_4_8: 8,
  I2C_ADDRESS: 16,
  SLOT_CONFIG: 20,
  /** Data and OTP zones: 0x55 unlocked, 0x00 locked. */
  LOCK_VALUE: 86,
  /** Config zone: 0x55 unlocked, 0x00 locked. */
  LOCK_CONFIG: 87,
  KEY_CONFIG: 96,
} as const;

export const LOCKED = 0x00;

/** Read's param1: zone in bits 0…1, bit 7 for a 32-byte read. */
export const Zone = { CONFIG: 0, OTP: 1, DATA: 2 } as const;
export const READ_32 = 0x80;

/** Read's param2 for a config-zone byte offset (a multiple of 4): block in bits 3…4, word in bits 0…2. */
export function configAddress(byteOffset: number): number {
  if (byteOffset % 4 !== 0 || byteOffset < 0 || byteOffset >= Config.SIZE) throw new RangeError(`config offset ${byteOffset}`);
  return ((byteOffset >> 5) << 3) | ((byteOffset >> 2) & 7);
}

/** Read's param2 for a data-zone slot: slot in bits 3…6, 32-byte block in bits 8…11, word in bits 0…2. */
export function dataAddress(slot: number, block = 0, word = 0): number {
  return (block << 8) | (slot << 3) | word;
}

/** Nonce mode 0x03: pass-through, the 32 bytes given are written to TempKey as they are. */
export const NONCE_PASS_THROUGH = 0x03;
/** Sign mode 0x80: external, sign the 32-byte digest in TempKey. */
export const SIGN_EXTERNAL = 0x80;
/** Verify mode 0x02: external, the public key comes with the command; the message digest is in TempKey. */
export const VERIFY_EXTERNAL = 0x02;
/** Verify's param2 in external mode: the key type, P-256 (NIST). */
export const KEY_TYPE_P256 = 0x0004;
/** GenKey mode 0x00: compute the public key of the private key in a slot. */
export const GENKEY_PUBLIC = 0x00;
/** GenKey mode 0x04 with key id 0xFFFF: a fresh private key into TempKey, its public key answered. */
export const GENKEY_PRIVATE = 0x04;
export const TEMPKEY_KEY_ID = 0xffff;
/** ECDH mode 0x0D: the private key in TempKey, the shared secret in the clear in the response. */
export const ECDH_TEMPKEY_CLEAR = 0x0d;

/** The bytes of an I2C write that sends a command: word address 0x03, then the packet. */
export function commandPacket(opcode: number, param1: number, param2: number, data?: Uint8Array): Uint8Array {
  const length = data ? data.length : 0;
  const out = new Uint8Array(1 + 7 + length);
  out[0] = WordAddress.COMMAND;
  const packet = out.subarray(1);
  packet[0] = 7 + length;
  packet[1] = opcode;
  packet[2] = param1;
  packet[3] = param2 & 0xff;
  packet[4] = (param2 >> 8) & 0xff;
  if (data) packet.set(data, 5);
  appendCrc(packet);
  return out;
}

/** A response packet's payload, or undefined when its count or CRC does not check. */
export function responsePayload(packet: Uint8Array): Uint8Array | undefined {
  if (packet.length < 4 || packet[0] !== packet.length || !crcMatches(packet)) return undefined;
  return packet.subarray(1, packet.length - 2);
}
