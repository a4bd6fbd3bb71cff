// The designated store's receipt (rule art. 14, 16): the store signs that it holds a
// device's chain up to an entry. The device checks it — its store key, its own id, the
// link of that entry on its own flash — before it journals the receipt, and only entries
// a journaled receipt covers may ever have their space reclaimed.
//
// The signed document (all integers little-endian, strings u16-length-prefixed UTF-8):
//   magic "QCR1" | store id | device id | throughSeq u32 | throughLink 32 bytes |
//   entries u32 (how many the store holds for this device) | bytes u64 | time u64 (ms since 1970)
// followed, outside the document, by the store's P-256 signature (r ‖ s) over SHA-256(document).
import { ByteReader, ByteWriter, FormatError } from "../evidence/bytes";
import { sha256 } from "../evidence/hash";

export const RECEIPT_MAGIC = "QCR1";
export const SIGNATURE_SIZE = 64;

export interface ReceiptBody {
  store: string;
  deviceId: string;
  throughSeq: number;
  throughLink: Uint8Array;
  entries: number;
  bytes: number;
  time: number;
}

export interface SignedReceipt {
  body: ReceiptBody;
  /** The exact signed bytes. */
  document: Uint8Array;
  /** SHA-256 of the document (what the chain journals). */
  hash: Uint8Array;
  signature: Uint8Array;
}

export function encodeReceiptDocument(r: ReceiptBody): Uint8Array {
  const w = new ByteWriter(128);
  for (let i = 0; i < 4; i++) w.u8(RECEIPT_MAGIC.charCodeAt(i));
  w.str(r.store).str(r.deviceId).u32(r.throughSeq).fixed(r.throughLink, 32, "throughLink").u32(r.entries).u64(r.bytes).u64(r.time);
  return w.toBytes();
}

/** Document ‖ signature → the parts; throws FormatError on anything malformed. */
export function decodeSignedReceipt(bytes: Uint8Array): SignedReceipt {
  if (bytes.length < 4 + SIGNATURE_SIZE) throw new FormatError("malformed", "receipt too short");
  const r = new ByteReader(bytes, 0, bytes.length - SIGNATURE_SIZE);
  let magic = "";
  for (let i = 0; i < 4; i++) magic += String.fromCharCode(r.u8("magic"));
  if (magic !== RECEIPT_MAGIC) throw new FormatError("malformed", "not a receipt (bad magic)");
  const body: ReceiptBody = {
    store: r.str("store"),
    deviceId: r.str("deviceId"),
    throughSeq: r.u32("throughSeq"),
    throughLink: r.take(32, "throughLink"),
    entries: r.u32("entries"),
    bytes: r.u64("bytes"),
    time: r.u64("time"),
  };
  if (r.remaining !== 0) throw new FormatError("malformed", "receipt has trailing bytes");
  const document = bytes.slice(0, bytes.length - SIGNATURE_SIZE);
  return { body, document, hash: sha256(document), signature: bytes.slice(bytes.length - SIGNATURE_SIZE) };
}

export function encodeSignedReceipt(document: Uint8Array, signature: Uint8Array): Uint8Array {
  if (signature.length !== SIGNATURE_SIZE) throw new RangeError("signature must be r ‖ s, 64 bytes");
  const out = new Uint8Array(document.length + SIGNATURE_SIZE);
  out.set(document, 0);
  out.set(signature, document.length);
  return out;
}
