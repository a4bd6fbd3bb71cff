import { createHash } from 'node:crypto';
import { BlockCipher, Digest, Mode } from 'crypt';

describe('host crypt Digest (Moddable API over node:crypto)', () => {
  test('SHA256 of strings, ArrayBuffers and views, in pieces', () => {
    const d = new Digest('SHA256');
    d.write('abc');
    d.write(new Uint8Array([1, 2, 3]).buffer);
    d.write(new Uint8Array([9, 4, 5, 6, 9]).subarray(1, 4));
    const want = createHash('sha256').update('abc').update(Buffer.from([1, 2, 3, 4, 5, 6])).digest();
    expect(Buffer.from(d.close())).toEqual(want);
    expect(d.outputSize).toBe(32);
    expect(d.blockSize).toBe(64);
  });

  test('close(true) keeps the running state; close() needs reset() before more writes', () => {
    const d = new Digest('SHA256');
    d.write('ab');
    const partial = Buffer.from(d.close(true));
    expect(partial).toEqual(createHash('sha256').update('ab').digest());
    d.write('c');
    expect(Buffer.from(d.close())).toEqual(createHash('sha256').update('abc').digest());
    expect(() => d.write('x')).toThrow(/reset/);
    d.reset();
    d.write('x');
    expect(Buffer.from(d.close())).toEqual(createHash('sha256').update('x').digest());
  });

  test('the other digest names work and unknown ones throw, as on the device', () => {
    for (const [name, node] of [['SHA1', 'sha1'], ['SHA512', 'sha512'], ['MD5', 'md5']] as const) {
      const d = new Digest(name);
      d.write('q');
      expect(Buffer.from(d.close())).toEqual(createHash(node).update('q').digest());
    }
    expect(() => new Digest('SHA3' as never)).toThrow(/unsupported digest/);
  });
});

describe('host crypt BlockCipher and Mode("CTR")', () => {
  const hex = (b: ArrayBuffer) => Buffer.from(b).toString('hex');
  const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex')).buffer;
  // NIST SP 800-38A F.5.1, CTR-AES128.Encrypt, blocks 1-2.
  const key = bytes('2b7e151628aed2a6abf7158809cf4f3c');
  const iv = bytes('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
  const plain = bytes('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51');
  const want = '874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff';

  test('the NIST vector, whole and in pieces that split blocks; setIV starts over', () => {
    const ctr = new Mode('CTR', new BlockCipher('AES', key), iv);
    expect(hex(ctr.encrypt(plain))).toBe(want);
    ctr.setIV(iv);
    const p = new Uint8Array(plain);
    const parts = [ctr.encrypt(p.subarray(0, 5)), ctr.encrypt(p.subarray(5, 21)), ctr.encrypt(p.subarray(21))];
    expect(parts.map(hex).join('')).toBe(want);
    const back = new Mode('CTR', new BlockCipher('AES', key), iv);
    expect(hex(back.decrypt(bytes(want)))).toBe(hex(plain));
  });

  test('result buffers and count, as the native module takes them', () => {
    const ctr = new Mode('CTR', new BlockCipher('AES', key), iv);
    const out = new ArrayBuffer(32);
    expect(ctr.encrypt(plain, out, 16)).toBe(out);
    expect(hex(out.slice(0, 16))).toBe(want.slice(0, 32));
    expect(() => ctr.encrypt(plain, new ArrayBuffer(4))).toThrow(/too small/);
  });

  test('one AES block (ECB) both ways; bad keys, blocks, modes and counters throw', () => {
    const aes = new BlockCipher('AES', key);
    const block = aes.encrypt(plain.slice(0, 16));
    expect(hex(block)).toBe('3ad77bb40d7a3660a89ecaf32466ef97'); // SP 800-38A F.1.1
    expect(hex(aes.decrypt(block))).toBe(hex(plain.slice(0, 16)));
    expect([aes.keySize, aes.blockSize]).toEqual([16, 16]);
    expect(() => new BlockCipher('AES', new ArrayBuffer(15))).toThrow(/key size/);
    expect(() => aes.encrypt(new ArrayBuffer(15))).toThrow(/16 bytes/);
    expect(() => new Mode('GCM' as never, aes, iv)).toThrow(/unsupported mode/);
    expect(() => new Mode('CTR', aes, new ArrayBuffer(12))).toThrow(/16 bytes/);
  });
});
