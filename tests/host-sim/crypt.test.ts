import { createHash } from 'node:crypto';
import { Digest } from 'crypt';

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
