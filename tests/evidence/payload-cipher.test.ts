// The firmware's payload cipher gives the bytes the store's side (tools/crypto/content-key)
// decrypts: same counter blocks, pieces or whole, and no use after the key is dropped.
import { PayloadCipher } from '../../firmware/core/evidence/payload-cipher';
import { cryptPayload } from '../../tools/crypto/content-key';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const K = Uint8Array.from({ length: 16 }, (_, i) => 200 - i);
const payload = (n: number, s: number) => Uint8Array.from({ length: n }, (_, i) => (i * s + 1) & 0xff);

describe('PayloadCipher (FORMAT §7a)', () => {
  test('each record index is its own stream, the one the store decrypts; pieces join up', () => {
    const c = new PayloadCipher(K);
    for (const [index, n] of [[0, 37], [1, 4096], [513, 5], [0xfffffffe, 100]] as const) {
      const p = payload(n, index % 251);
      c.begin(index);
      const whole = c.encrypt(p);
      expect(hex(cryptPayload(K, index, whole))).toBe(hex(p));
      c.begin(index);
      const cut = Math.floor(n / 3);
      const parts = Buffer.concat([c.encrypt(p.subarray(0, cut)), c.encrypt(p.subarray(cut))]);
      expect(parts.toString('hex')).toBe(hex(whole));
    }
  });

  test('the ciphertext is not the plaintext, and the same bytes under two indexes differ', () => {
    const c = new PayloadCipher(K);
    const p = new Uint8Array(64);
    c.begin(3);
    const a = c.encrypt(p);
    c.begin(4);
    const b = c.encrypt(p);
    expect(hex(a)).not.toBe(hex(p));
    expect(hex(a)).not.toBe(hex(b));
  });

  test('after drop() nothing is encrypted; a bad key size throws', () => {
    const c = new PayloadCipher(K);
    c.drop();
    expect(c.dropped).toBe(true);
    expect(() => c.begin(0)).toThrow(/dropped/);
    expect(() => c.encrypt(new Uint8Array(4))).toThrow(/dropped/);
    expect(() => new PayloadCipher(new Uint8Array(32))).toThrow(/16 bytes/);
  });
});
