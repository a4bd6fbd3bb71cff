// The unit's half of the content-key wrap (docs/FORMAT.md §7a): KEK by HKDF-SHA256 over the
// secure element's ECDH secret, then RFC 3394 AES key wrap of the 16-byte content key. Built
// on the native Digest and BlockCipher: a few dozen calls per entry, none per media byte.
import { BlockCipher } from "crypt";
import type { KeyAgreement } from "../../../hal/crypto/key-agreement";
import { DEVICE_ID_SIZE } from "./format";
import { sha256 } from "./hash";

const BLOCK = 64;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function ascii(s: string, size = s.length): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = new Uint8Array(BLOCK);
  k.set(key.length > BLOCK ? sha256(key) : key);
  // The pads a word at a time: a quarter of the engine's work of a loop over bytes (every byte of a pad is the same).
  const words = new Uint32Array(k.buffer);
  const inner = new Uint32Array(BLOCK / 4);
  const outer = new Uint32Array(BLOCK / 4);
  for (let i = 0; i < BLOCK / 4; i++) {
    inner[i] = words[i] ^ 0x36363636;
    outer[i] = words[i] ^ 0x5c5c5c5c;
  }
  return sha256(new Uint8Array(outer.buffer), sha256(new Uint8Array(inner.buffer), message));
}

/** HKDF-SHA256 (RFC 5869), at most 32 bytes of output (one expand block). */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 32) throw new RangeError("hkdf: one block only");
  const prk = hmacSha256(salt, ikm);
  return hmacSha256(prk, concat(info, Uint8Array.of(1))).slice(0, length);
}

/** RFC 3394 key wrap with the default IV, under a 16-byte KEK. */
export function aesKeyWrap(kek: Uint8Array, key: Uint8Array): Uint8Array {
  if (key.length % 8 !== 0 || key.length < 16) throw new RangeError("key wrap: the key is 8n bytes, n >= 2");
  const aes = new BlockCipher("AES", kek.slice().buffer);
  const n = key.length / 8;
  const a = new Uint8Array(8).fill(0xa6);
  const r = key.slice();
  const block = new Uint8Array(16);
  for (let j = 0; j < 6; j++) {
    for (let i = 0; i < n; i++) {
      block.set(a, 0);
      block.set(r.subarray(i * 8, i * 8 + 8), 8);
      const b = new Uint8Array(aes.encrypt(block.slice().buffer));
      const t = n * j + i + 1;
      a.set(b.subarray(0, 8));
      for (let k = 0; k < 4; k++) a[7 - k] ^= (t >>> (8 * k)) & 0xff;
      r.set(b.subarray(8), i * 8);
    }
  }
  return concat(a, r);
}

const INFO_LABEL = ascii("quancheng-content-key-v1");

/** What the `content-key` record carries. */
export interface WrappedContentKey {
  ephemeral: Uint8Array;
  wrapped: Uint8Array;
}

/** Wraps `contentKey` to the store's public key for entry `seq` of `deviceId`. */
export function wrapContentKey(agreement: KeyAgreement, storePublic: Uint8Array, contentKey: Uint8Array, deviceId: string, seq: number): WrappedContentKey {
  const { ephemeral, secret } = agreement.ephemeralEcdh(storePublic);
  const s = new Uint8Array(4);
  new DataView(s.buffer).setUint32(0, seq);
  const info = concat(INFO_LABEL, ascii(deviceId, DEVICE_ID_SIZE), s);
  const kek = hkdfSha256(secret, concat(ephemeral, storePublic), info, 16);
  return { ephemeral, wrapped: aesKeyWrap(kek, contentKey) };
}
