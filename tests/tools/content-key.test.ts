import { createCipheriv, generateKeyPairSync } from 'node:crypto';
import { cryptPayload, payloadCounter, publicPoint, unwrapContentKey, wrapContentKey, WrongStoreKeyError } from '../../tools/crypto/content-key';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ctx = { deviceId: 'QC-SIM-0001', seq: 7 };
const store = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const S = publicPoint(store.publicKey);
const K = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
const e = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

describe('content key wrap (FORMAT §7a)', () => {
  test('node\'s id-aes128-wrap is RFC 3394 (§4.1 vector), the wrap the format names', () => {
    const c = createCipheriv('id-aes128-wrap', Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'), Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
    const out = Buffer.concat([c.update(Buffer.from('00112233445566778899aabbccddeeff', 'hex')), c.final()]);
    expect(out.toString('hex')).toBe('1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5');
  });

  test('wrap to the store\'s public key, unwrap with its private key', () => {
    const w = wrapContentKey(K, S, e, ctx);
    expect([w.ephemeral.length, w.wrapped.length]).toEqual([65, 24]);
    expect(hex(unwrapContentKey(store.privateKey, w, ctx))).toBe(hex(K));
  });

  test('a wrong store key, another entry\'s context or one flipped bit are refused', () => {
    const w = wrapContentKey(K, S, e, ctx);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => unwrapContentKey(other.privateKey, w, ctx)).toThrow(WrongStoreKeyError);
    expect(() => unwrapContentKey(store.privateKey, w, { ...ctx, seq: 8 })).toThrow(WrongStoreKeyError);
    expect(() => unwrapContentKey(store.privateKey, w, { ...ctx, deviceId: 'QC-SIM-0002' })).toThrow(WrongStoreKeyError);
    const flipped = { ...w, wrapped: w.wrapped.slice() };
    flipped.wrapped[3] ^= 1;
    expect(() => unwrapContentKey(store.privateKey, flipped, ctx)).toThrow(WrongStoreKeyError);
    const offCurve = { ...w, ephemeral: w.ephemeral.slice() };
    offCurve.ephemeral[40] ^= 1;
    expect(() => unwrapContentKey(store.privateKey, offCurve, ctx)).toThrow(WrongStoreKeyError);
  });

  test('payload counters are index ‖ 12 zero bytes; each record is its own stream, CTR round-trips', () => {
    expect(hex(payloadCounter(0x01020304))).toBe('01020304' + '00'.repeat(12));
    const p = Uint8Array.from({ length: 100 }, (_, i) => i);
    const c0 = cryptPayload(K, 0, p);
    const c1 = cryptPayload(K, 1, p);
    expect(hex(c0)).not.toBe(hex(c1));
    expect(c0.length).toBe(100);
    expect(hex(cryptPayload(K, 0, c0))).toBe(hex(p));
  });
});
