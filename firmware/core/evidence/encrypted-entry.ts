// What anyone can check of an encrypted entry without a key (FORMAT §7a): the flag, and
// that its first record, and only that one, is a well-formed content-key. Reading the
// payloads needs the designated store's key: an EntryOpener (the tools' decrypting layer).
import { FormatError } from "./bytes";
import type { ParsedEntry } from "./entry-reader";
import { HEADER_FLAG_ENCRYPTED } from "./format";
import { decodePayload } from "./payload";
import { RECORDS, type RecordData } from "./schema";

const CONTENT_KEY_CODE = RECORDS["content-key"].code;
const EPHEMERAL_SIZE = 65;
const WRAPPED_SIZE = 24;

/**
 * Gives the entry with its payloads in plaintext (a clear entry as it is); the file bytes,
 * framing and seal stay those of the ciphertext. Called only on entries that verified.
 */
export type EntryOpener = (entry: ParsedEntry) => ParsedEntry;

export function isEncryptedEntry(e: ParsedEntry): boolean {
  return (e.header.flags & HEADER_FLAG_ENCRYPTED) !== 0;
}

/** The wrapped content key of an encrypted entry, or FormatError("malformed") when it does not carry one as §7a says. */
export function contentKeyRecord(e: ParsedEntry): RecordData<"content-key"> {
  const first = e.records[0];
  if (!first || first.code !== CONTENT_KEY_CODE) throw new FormatError("malformed", "encrypted entry whose first record is not a content-key");
  for (let i = 1; i < e.records.length; i++) if (e.records[i].code === CONTENT_KEY_CODE) throw new FormatError("malformed", `encrypted entry with a second content-key (record ${i})`);
  const rec = decodePayload(first.code, first.t, first.payload);
  if (rec.type !== "content-key" || rec.data.ephemeral.length !== EPHEMERAL_SIZE || rec.data.wrapped.length !== WRAPPED_SIZE)
    throw new FormatError("malformed", `content-key record: the ephemeral key must be ${EPHEMERAL_SIZE} bytes and the wrapped key ${WRAPPED_SIZE}`);
  return rec.data;
}

/** The entry whose payloads can be read: a clear one as it is, an encrypted one opened, or undefined (encrypted, no opener): ciphertext is never decoded as content. */
export function readableEntry(e: ParsedEntry, open?: EntryOpener): ParsedEntry | undefined {
  if (!isEncryptedEntry(e)) return e;
  return open ? open(e) : undefined;
}
