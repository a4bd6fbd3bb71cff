// Builds one entry as a stream of byte pieces: header, records, seal. The caller writes
// the pieces to storage as they come; nothing here holds the whole entry and a frame's
// bytes are never copied. The device hashes each payload twice (its record check and the
// entry hash), which its SHA hardware does at ~1000x the flash's speed; in exchange a
// verifier hashes every byte once, in one pass per entry. In an encrypted entry (FORMAT §7a)
// each payload is encrypted first and the checks, entry hash and link cover the ciphertext,
// so anyone can verify the chain and only the designated store can read it.
import { ByteWriter, concatBytes } from "./bytes";
import { HEADER_FLAG_ENCRYPTED, KNOWN_SEAL_FLAGS, RECORD_FRAME_SIZE, SEAL_PAYLOAD_SIZE, SEAL_SIZE, SEAL_TYPE } from "./format";
import { Sha256 } from "./hash";
import { encodeHeader, type EntryHeader } from "./header";
import { linkOf } from "./link";
import { encodePayloadParts } from "./payload";
import type { PayloadCipher } from "./payload-cipher";
import { isClearCode, RECORDS, type EvidenceRecord } from "./schema";
import type { Signer } from "./signer";

/** What sealing an entry produced: the bytes to append and the new chain head. */
export interface SealResult {
  bytes: Uint8Array;
  entryHash: Uint8Array;
  link: Uint8Array;
  seq: number;
}

/**
 * A framed record in pieces, so a large payload is passed through without copying: the
 * frame, the payload (or, for a record ending in a `rest` field, its fixed fields), the
 * `rest` bytes themselves as `body`, and the check. On storage they follow each other.
 */
export interface FramedRecord {
  frame: Uint8Array;
  payload: Uint8Array;
  body: Uint8Array | undefined;
  check: Uint8Array;
}

/** The pieces of a framed record in storage order. */
export function recordPieces(r: FramedRecord): Uint8Array[] {
  return r.body ? [r.frame, r.payload, r.body, r.check] : [r.frame, r.payload, r.check];
}

export function recordFrame(code: number, t: number, length: number): Uint8Array {
  return new ByteWriter(RECORD_FRAME_SIZE).u16(code).u16(0).u32(length).u32(t).toBytes();
}

export class EntryWriter {
  readonly header: EntryHeader;
  readonly headerBytes: Uint8Array;
  readonly #entryHash = new Sha256();
  readonly #recordHash = new Sha256();
  readonly #cipher: PayloadCipher | undefined;
  #count = 0;
  #sealed = false;

  /**
   * `cipher` is the entry's content key when the header says the entry is encrypted; it is
   * dropped at the seal. Boot recovery reseals an encrypted entry without one: it frames
   * nothing, and an encrypted entry's payloads cannot be framed without their key.
   */
  constructor(header: EntryHeader, cipher?: PayloadCipher) {
    if (cipher && !(header.flags & HEADER_FLAG_ENCRYPTED)) throw new RangeError("a content key for an entry not marked encrypted");
    this.header = header;
    this.#cipher = cipher;
    this.headerBytes = encodeHeader(header);
    this.#entryHash.write(this.headerBytes);
  }

  get recordCount(): number {
    return this.#count;
  }

  /**
   * Frames a payload of the given type code at time t (ms after the entry's monotonic
   * start). The payload is `payload` followed by `body`, if given; neither is copied.
   */
  frameRaw(code: number, t: number, payload: Uint8Array, body?: Uint8Array): FramedRecord {
    if (this.#sealed) throw new Error("entry already sealed");
    if (code === SEAL_TYPE) throw new RangeError("the seal is not a record");
    if (this.header.flags & HEADER_FLAG_ENCRYPTED && !isClearCode(code)) {
      const cipher = this.#cipher;
      if (!cipher) throw new Error("encrypted entry: no content key to frame a payload with");
      cipher.begin(this.#count);
      payload = cipher.encrypt(payload);
      if (body) body = cipher.encrypt(body);
    }
    const frame = recordFrame(code, t, payload.length + (body ? body.length : 0));
    this.#recordHash.write(frame);
    this.#recordHash.write(payload);
    if (body) this.#recordHash.write(body);
    const check = this.#recordHash.finish();
    this.#entryHash.write(frame);
    this.#entryHash.write(payload);
    if (body) this.#entryHash.write(body);
    this.#entryHash.write(check);
    this.#count++;
    return { frame, payload, body, check };
  }

  /** Frames a typed record; a trailing `rest` field (image, samples) is passed through as the body. */
  frame(record: EvidenceRecord): FramedRecord {
    const { head, rest } = encodePayloadParts(record.type, record.data as never);
    return this.frameRaw(RECORDS[record.type].code, record.t, head, rest);
  }

  /**
   * Boot recovery: feeds the bytes of records already on storage whose checks were
   * verified, in file order and any chunking, so the entry hash continues as if they had
   * been framed here; then `adoptCount` says how many records they were.
   */
  absorb(bytes: Uint8Array): void {
    if (this.#sealed) throw new Error("entry already sealed");
    this.#entryHash.write(bytes);
  }

  adoptCount(records: number): void {
    this.#count += records;
  }

  /** Seals the entry: entry hash, link, signature. Nothing can be added after. */
  seal(signer: Signer, t: number, flags = 0): SealResult {
    if (this.#sealed) throw new Error("entry already sealed");
    if (flags & ~KNOWN_SEAL_FLAGS) throw new RangeError("unknown seal flags");
    this.#sealed = true;
    this.#cipher?.drop();
    const w = new ByteWriter(SEAL_SIZE);
    w.u16(SEAL_TYPE).u16(0).u32(SEAL_PAYLOAD_SIZE).u32(t).u32(this.#count).u32(flags);
    this.#entryHash.write(w.view());
    const entryHash = this.#entryHash.finish();
    const link = linkOf(this.header.prevLink, entryHash, this.header.seq);
    const signature = signer.sign(link);
    if (signature.length !== 64 || signer.keyId.length !== 8) throw new Error("signer returned a malformed signature or key id");
    w.bytes(entryHash).bytes(link).bytes(signer.keyId).bytes(signature);
    return { bytes: w.toBytes(), entryHash, link, seq: this.header.seq };
  }
}

/** Joins framed records into one byte array (tests, small journal entries). */
export function joinRecord(r: FramedRecord): Uint8Array {
  return concatBytes(recordPieces(r));
}

/** Builds a whole sealed entry in memory (encrypted with `cipher` when the header says so). */
export function buildEntry(header: EntryHeader, records: readonly EvidenceRecord[], signer: Signer, endT: number, sealFlags = 0, cipher?: PayloadCipher): { bytes: Uint8Array; seal: SealResult } {
  const w = new EntryWriter(header, cipher);
  const parts: Uint8Array[] = [w.headerBytes];
  for (const r of records) {
    parts.push(...recordPieces(w.frame(r)));
  }
  const seal = w.seal(signer, endT, sealFlags);
  parts.push(seal.bytes);
  return { bytes: concatBytes(parts), seal };
}
