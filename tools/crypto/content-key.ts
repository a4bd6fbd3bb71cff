// The store's side of encryption at rest (docs/FORMAT.md §7a): a content key wrapped to the
// store's P-256 key by ephemeral-static ECDH + HKDF-SHA256 + AES key wrap (RFC 3394), and the
// AES-128-CTR payload streams it opens. `wrapContentKey` is the unit's computation with a
// software ephemeral key (the unit's runs in its secure element): tests and fixtures use it.
import { createCipheriv, createDecipheriv, createECDH, hkdfSync, type KeyObject } from 'node:crypto';

const RFC3394_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
const INFO_LABEL = 'quancheng-content-key-v1';

/** A wrapped content key as the `content-key` record carries it. */
export interface WrappedKey {
  /** The ephemeral public key E, SEC1 uncompressed (65 bytes). */
  ephemeral: Uint8Array;
  /** RFC 3394 wrap of the 16-byte content key (24 bytes). */
  wrapped: Uint8Array;
}

/** Where the key belongs: HKDF's info binds the KEK to one entry of one unit. */
export interface KeyContext {
  deviceId: string;
  seq: number;
}

export class WrongStoreKeyError extends Error {
  constructor() {
    super('the content key does not unwrap with this store key (wrong key, or the record was altered)');
  }
}

/** KEK = HKDF-SHA256(Z, salt E ‖ S, info label ‖ device id NUL-padded to 16 ‖ seq u32 BE), 16 bytes. */
export function deriveKek(z: Uint8Array, ephemeral: Uint8Array, storePublic: Uint8Array, ctx: KeyContext): Uint8Array {
  const id = Buffer.alloc(16);
  id.write(ctx.deviceId, 'ascii');
  const seq = Buffer.alloc(4);
  seq.writeUInt32BE(ctx.seq);
  const info = Buffer.concat([Buffer.from(INFO_LABEL, 'ascii'), id, seq]);
  return new Uint8Array(hkdfSync('sha256', z, Buffer.concat([ephemeral, storePublic]), info, 16));
}

/** The store's public key as SEC1 uncompressed bytes (65). */
export function publicPoint(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('the store key is not a P-256 key');
  return new Uint8Array(Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]));
}

/** Wraps `contentKey` to `storePublic` (SEC1) with the ephemeral private scalar given. */
export function wrapContentKey(contentKey: Uint8Array, storePublic: Uint8Array, ephemeralPrivate: Uint8Array, ctx: KeyContext): WrappedKey {
  if (contentKey.length !== 16) throw new RangeError('a content key is 16 bytes');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(ephemeralPrivate);
  const ephemeral = new Uint8Array(ecdh.getPublicKey());
  const kek = deriveKek(ecdh.computeSecret(storePublic), ephemeral, storePublic, ctx);
  const c = createCipheriv('id-aes128-wrap', kek, RFC3394_IV);
  return { ephemeral, wrapped: new Uint8Array(Buffer.concat([c.update(contentKey), c.final()])) };
}

/** The content key, or WrongStoreKeyError when the wrap's integrity check fails. */
export function unwrapContentKey(storePrivate: KeyObject, w: WrappedKey, ctx: KeyContext): Uint8Array {
  const jwk = storePrivate.export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.d) throw new Error('the store key is not a P-256 private key');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(jwk.d, 'base64url'));
  let z: Buffer;
  try {
    z = ecdh.computeSecret(w.ephemeral);
  } catch {
    throw new WrongStoreKeyError();
  }
  const kek = deriveKek(z, w.ephemeral, ecdh.getPublicKey(), ctx);
  try {
    const d = createDecipheriv('id-aes128-wrap', kek, RFC3394_IV);
    return new Uint8Array(Buffer.concat([d.update(w.wrapped), d.final()]));
  } catch {
    throw new WrongStoreKeyError();
  }
}

/** The initial CTR counter block of record `index`: index u32 BE, then 12 zero bytes. */
export function payloadCounter(index: number): Uint8Array {
  const b = new Uint8Array(16);
  new DataView(b.buffer).setUint32(0, index);
  return b;
}

/** Decrypts (or encrypts: CTR is its own inverse) the payload of record `index` of an entry. */
export function cryptPayload(contentKey: Uint8Array, index: number, payload: Uint8Array): Uint8Array {
  return new Uint8Array(createCipheriv('aes-128-ctr', contentKey, payloadCounter(index)).update(payload));
}
