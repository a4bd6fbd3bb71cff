// The unit's wrap (firmware, over crypt) opens with the store's unwrap (tools, node:crypto).
import { createECDH, createHmac, generateKeyPairSync, hkdfSync } from 'node:crypto';
import { aesKeyWrap, hkdfSha256, hmacSha256, wrapContentKey } from '../../firmware/core/evidence/key-wrap';
import type { KeyAgreement } from '../../hal/crypto/key-agreement';
import { publicPoint, unwrapContentKey, WrongStoreKeyError } from '../../tools/crypto/content-key';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const h = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

/** A software secure element: a fixed ephemeral scalar per call, from a counter. */
function softAgreement(): KeyAgreement & { calls: number } {
  return {
    calls: 0,
    ephemeralEcdh(peer) {
      const e = createECDH('prime256v1');
      e.setPrivateKey(Buffer.alloc(32, ++this.calls));
      return { ephemeral: new Uint8Array(e.getPublicKey()), secret: new Uint8Array(e.computeSecret(peer)) };
    },
  };
}

describe('content key wrap on the unit (FORMAT §7a)', () => {
  test('HMAC and HKDF match node:crypto, with a salt longer than a block', () => {
    const key = Uint8Array.from({ length: 130 }, (_, i) => i);
    const msg = h('00ff10');
    expect(hex(hmacSha256(key, msg))).toBe(createHmac('sha256', key).update(msg).digest('hex'));
    expect(hex(hmacSha256(h('0b0b'), msg))).toBe(createHmac('sha256', h('0b0b')).update(msg).digest('hex'));
    const ikm = h('0b'.repeat(22));
    expect(hex(hkdfSha256(ikm, key, h('f0f1f2'), 16))).toBe(Buffer.from(hkdfSync('sha256', ikm, key, h('f0f1f2'), 16)).toString('hex'));
  });

  test('AES key wrap is RFC 3394 (§4.1 vector)', () => {
    expect(hex(aesKeyWrap(h('000102030405060708090a0b0c0d0e0f'), h('00112233445566778899aabbccddeeff')))).toBe('1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5');
  });

  test('the store unwraps what the unit wrapped; a wrong store key is refused', () => {
    const store = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const K = Uint8Array.from({ length: 16 }, (_, i) => 3 * i + 1);
    const se = softAgreement();
    const w = wrapContentKey(se, publicPoint(store.publicKey), K, 'QC-SIM-0001', 42);
    expect([w.ephemeral.length, w.wrapped.length, se.calls]).toEqual([65, 24, 1]);
    expect(hex(unwrapContentKey(store.privateKey, w, { deviceId: 'QC-SIM-0001', seq: 42 }))).toBe(hex(K));
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => unwrapContentKey(other.privateKey, w, { deviceId: 'QC-SIM-0001', seq: 42 })).toThrow(WrongStoreKeyError);
    // A fresh ephemeral key per entry: the next wrap of the same key differs.
    expect(hex(wrapContentKey(se, publicPoint(store.publicKey), K, 'QC-SIM-0001', 42).wrapped)).not.toBe(hex(w.wrapped));
  });
});
