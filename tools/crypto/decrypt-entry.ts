// Opening encrypted entries with the designated store's content key (docs/FORMAT.md §7a).
// An opened entry is the parsed entry with its non-clear payloads replaced by their
// plaintext: the file bytes, header, framing and seal stay the ciphertext's, so the tools
// that read ParsedEntry (verify's compliance view, export, the inspector) need no second
// code path. Bytes are decrypted only after their hashes and link check out.
import type { KeyObject } from 'node:crypto';
import { checkIntegrity, contentKeyRecord, isClearCode, isEncryptedEntry, RECORD_FRAME_SIZE, type EntryOpener, type ParsedEntry } from '../../firmware/core/evidence';
import { cryptPayload, unwrapContentKey } from './content-key';

/** The entry's bytes do not check: they are refused, not decrypted. */
export class UnverifiedEntryError extends Error {}

/**
 * The entry with its payloads in plaintext (a clear entry is returned as it is). Throws
 * UnverifiedEntryError when its hashes or link do not check, FormatError("malformed") when
 * its content-key record is missing or misplaced, WrongStoreKeyError when the key does not
 * unwrap. The plaintext payloads are fresh arrays; everything else is the parsed entry's.
 */
export function openEntry(e: ParsedEntry, storeKey: KeyObject): ParsedEntry {
  if (!isEncryptedEntry(e)) return e;
  const i = checkIntegrity(e);
  if (!(i.entryHashOk && i.countOk && i.linkOk)) throw new UnverifiedEntryError(`entry ${e.header.seq}: its hashes or link do not check; not decrypted`);
  const K = unwrapContentKey(storeKey, contentKeyRecord(e), { deviceId: e.header.deviceId, seq: e.header.seq });
  try {
    const records = e.records.map((span, index) => (isClearCode(span.code) ? span : { ...span, payload: cryptPayload(K, index, span.payload) }));
    return { ...e, records };
  } finally {
    K.fill(0);
  }
}

/** An EntryOpener for the verifier and the tools: each file's entry is decrypted once. */
export function entryOpener(storeKey: KeyObject): EntryOpener {
  const opened = new WeakMap<Uint8Array, ParsedEntry>();
  return (e) => {
    if (!isEncryptedEntry(e)) return e;
    let o = opened.get(e.bytes);
    if (!o) opened.set(e.bytes, (o = openEntry(e, storeKey)));
    return o;
  };
}

/** The suffix of an entry's decrypted twin (`quancheng extract --store-key`): not an entry file, the tools' chain readers skip it. */
export const PLAIN_SUFFIX = '.plain';

/**
 * An opened entry laid out as its file, each payload in plaintext in its place: the framing,
 * header (flag bit 1 still set) and seal as written, so the hashes no longer match (they
 * cover the ciphertext). For reading the records with the format's tools; the evidence is
 * the original beside it.
 */
export function plaintextBytes(opened: ParsedEntry): Uint8Array {
  const out = opened.bytes.slice();
  for (const span of opened.records) out.set(span.payload, span.offset + RECORD_FRAME_SIZE);
  return out;
}
