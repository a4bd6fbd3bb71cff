// The device key a chain announces in entry 0 (FORMAT §5 "Key": one key for a chain's
// whole life). The store learns it from the first offload and holds every later entry to it.
import { decodePayload, RECORDS, type ParsedEntry } from '../../firmware/core/evidence';

/** The public key of entry 0's device-key record, or undefined when it has none. */
export function announcedKey(entry: ParsedEntry): Uint8Array | undefined {
  const code = RECORDS['device-key'].code;
  for (const span of entry.records) {
    if (span.code !== code) continue;
    try {
      const rec = decodePayload(span.code, span.t, span.payload);
      if (rec.type === 'device-key') return rec.data.publicKey.slice();
    } catch {
      // An undecodable announcement is no announcement; the caller refuses with no-key.
    }
  }
  return undefined;
}
