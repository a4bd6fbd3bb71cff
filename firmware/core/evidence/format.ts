// Fixed numbers of the evidence format, version 1. docs/FORMAT.md is the specification;
// a test checks that the numbers there are these.
import { KEY_ID_SIZE } from "../../../hal/crypto/signer";

/** "QCEV": first four bytes of every entry file. */
export const MAGIC = [0x51, 0x43, 0x45, 0x56] as const;
export const FORMAT_VERSION = 1;

export const HEADER_SIZE = 88;
export const DEVICE_ID_SIZE = 16;
export const HASH_SIZE = 32;
export { KEY_ID_SIZE };
export const SIGNATURE_SIZE = 64;

/** type u16, flags u16, length u32, t u32. */
export const RECORD_FRAME_SIZE = 12;
/** Every record but the seal ends with SHA-256 over its frame and payload. */
export const RECORD_CHECK_SIZE = HASH_SIZE;

export const SEAL_TYPE = 0xffff;
/** record count u32, seal flags u32, entry hash, link, key id, signature. */
export const SEAL_PAYLOAD_SIZE = 4 + 4 + HASH_SIZE + HASH_SIZE + KEY_ID_SIZE + SIGNATURE_SIZE;
/** The seal's frame plus count and flags: the part of the seal the entry hash covers. */
export const SEAL_COVERED_SIZE = RECORD_FRAME_SIZE + 8;
export const SEAL_SIZE = RECORD_FRAME_SIZE + SEAL_PAYLOAD_SIZE;

export const EntryKind = {
  /** Camera frames, audio, GNSS fixes of one recording for a bounded span (and journal records made meanwhile). */
  Media: 1,
  /** Journal records only. */
  Journal: 2,
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** Header flags. */
export const HEADER_FLAG_CLOCK_UNSET = 1; // the RTC had lost power: wall-clock times are not trustworthy
export const HEADER_FLAG_ENCRYPTED = 2; // payloads are AES-128-CTR under the entry's content key (FORMAT §7a)

/** Seal flags. */
export const SEAL_FLAG_RECOVERED = 1; // sealed at boot after a power loss left the entry open

export const KNOWN_HEADER_FLAGS = HEADER_FLAG_CLOCK_UNSET | HEADER_FLAG_ENCRYPTED;
export const KNOWN_SEAL_FLAGS = SEAL_FLAG_RECOVERED;

/** Domain-separation prefix of the genesis link. */
export const GENESIS_LABEL = "quancheng-genesis-v1";

/** "No entry" in u32 sequence fields (e.g. boot.recoveredSeq). */
export const NO_SEQ = 0xffffffff;
