// Record payloads <-> bytes, driven by the schema table.
import { ByteReader, ByteWriter, concatBytes, FormatError } from "./bytes";
import { HASH_SIZE } from "./format";
import { RECORDS, recordNameOf, type EvidenceRecord, type FieldType, type RecordData, type RecordName } from "./schema";

type Loose = { [field: string]: unknown };

export function encodePayload<N extends RecordName>(type: N, data: RecordData<N>): Uint8Array {
  const { head, rest } = encodePayloadParts(type, data);
  return rest ? concatBytes([head, rest]) : head;
}

/**
 * The payload as its fixed fields (`head`) and, for a type whose last field is `rest`,
 * those bytes as given (`rest`, not copied): a frame or an audio chunk goes to storage
 * and through the hashes without a copy in script.
 */
export function encodePayloadParts<N extends RecordName>(type: N, data: RecordData<N>): { head: Uint8Array; rest: Uint8Array | undefined } {
  const w = new ByteWriter(64);
  const values = data as unknown as Loose;
  const fields = RECORDS[type].fields;
  let rest: Uint8Array | undefined;
  for (const [name, ft] of fields) {
    if (ft === "rest") rest = bytes(values[name], `${type}.${name}`);
    else writeField(w, ft, values[name], `${type}.${name}`);
  }
  return { head: w.toBytes(), rest };
}

function writeField(w: ByteWriter, ft: FieldType, v: unknown, what: string): void {
  if (typeof ft !== "string") {
    const i = (ft as readonly string[]).indexOf(v as string);
    if (i < 0) throw new RangeError(`${what}: ${String(v)} is not one of ${ft.join(", ")}`);
    w.u8(i);
    return;
  }
  switch (ft) {
    case "u8":
      w.u8(num(v, what));
      break;
    case "u16":
      w.u16(num(v, what));
      break;
    case "u32":
      w.u32(num(v, what));
      break;
    case "i32":
      w.i32(num(v, what));
      break;
    case "u64":
      w.u64(num(v, what));
      break;
    case "str":
      if (typeof v !== "string") throw new TypeError(`${what}: expected a string`);
      w.str(v);
      break;
    case "bytes":
      w.lbytes(bytes(v, what));
      break;
    case "hash":
      if (bytes(v, what).length !== HASH_SIZE) throw new RangeError(`${what}: a hash is ${HASH_SIZE} bytes`);
      w.bytes(bytes(v, what));
      break;
    case "rest":
      w.bytes(bytes(v, what));
      break;
  }
}

function num(v: unknown, what: string): number {
  if (typeof v !== "number") throw new TypeError(`${what}: expected a number`);
  return v;
}

function bytes(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${what}: expected bytes`);
  return v;
}

/**
 * Decodes a payload. Unknown type codes and payloads that do not fit their layout
 * (short, long, bad enum index, bad UTF-8) are FormatErrors. Byte fields are views into `payload`.
 */
export function decodePayload(code: number, t: number, payload: Uint8Array): EvidenceRecord {
  const type = recordNameOf(code);
  if (type === undefined) throw new FormatError("malformed", `unknown record type 0x${code.toString(16).padStart(4, "0")}`);
  const r = new ByteReader(payload);
  const data: Loose = {};
  for (const [name, ft] of RECORDS[type].fields) data[name] = readField(r, ft, `${type}.${name}`);
  if (r.remaining !== 0) throw new FormatError("malformed", `${type}: ${r.remaining} bytes past the payload's last field`);
  return { type, t, data } as EvidenceRecord;
}

function readField(r: ByteReader, ft: FieldType, what: string): unknown {
  if (typeof ft !== "string") {
    const i = r.u8(what);
    const values = ft as readonly string[];
    if (i >= values.length) throw new FormatError("malformed", `${what}: enumeration index ${i} out of range`);
    return values[i];
  }
  switch (ft) {
    case "u8":
      return r.u8(what);
    case "u16":
      return r.u16(what);
    case "u32":
      return r.u32(what);
    case "i32":
      return r.i32(what);
    case "u64":
      return r.u64(what);
    case "str":
      return r.str(what);
    case "bytes":
      return r.lbytes(what);
    case "hash":
      return r.take(HASH_SIZE, what);
    case "rest":
      return r.take(r.remaining, what);
  }
}
