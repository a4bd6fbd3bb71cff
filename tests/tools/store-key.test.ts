import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicPoint } from '../../tools/crypto/content-key';
import { loadStoreKey } from '../../tools/crypto/store-key';
import { UsageError } from '../../tools/errors';

describe('loadStoreKey', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qc-store-key-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a P-256 PEM private key loads (PKCS#8 and SEC1)', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const type of ['pkcs8', 'sec1'] as const) {
      const f = join(dir, `k-${type}.pem`);
      writeFileSync(f, pair.privateKey.export({ format: 'pem', type }));
      expect(Buffer.from(publicPoint(loadStoreKey(f)))).toEqual(Buffer.from(publicPoint(pair.publicKey)));
    }
  });

  test('missing file, not a key, another curve: one line of UsageError (exit 2)', () => {
    expect(() => loadStoreKey(join(dir, 'none.pem'))).toThrow(new UsageError(`--store-key: cannot read ${join(dir, 'none.pem')}`));
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'hello\n');
    expect(() => loadStoreKey(junk)).toThrow(/is not a PEM private key$/);
    const other = join(dir, 'p384.pem');
    writeFileSync(other, generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(() => loadStoreKey(other)).toThrow(UsageError);
    expect(() => loadStoreKey(other)).toThrow(/is not a P-256 key$/);
  });
});
