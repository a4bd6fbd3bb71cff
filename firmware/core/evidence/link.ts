// The chain rule: each entry's link binds it to everything before it.
import { ByteWriter } from "./bytes";
import { DEVICE_ID_SIZE, GENESIS_LABEL } from "./format";
import { sha256 } from "./hash";
import { utf8Encode } from "./utf8";

/** link = SHA-256(previous link ‖ entry hash ‖ seq as u32 LE). */
export function linkOf(prevLink: Uint8Array, entryHash: Uint8Array, seq: number): Uint8Array {
  return sha256(prevLink, entryHash, new ByteWriter(4).u32(seq).view());
}

/** The previous link of entry 0: SHA-256("quancheng-genesis-v1" ‖ device id, NUL-padded to 16 bytes). */
export function genesisLink(deviceId: string): Uint8Array {
  return sha256(utf8Encode(GENESIS_LABEL), new ByteWriter(DEVICE_ID_SIZE).fixed(utf8Encode(deviceId), DEVICE_ID_SIZE, "device id").view());
}
