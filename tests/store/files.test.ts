// The store's files: objects read-only once written and never rewritten, the key readable
// by its owner only, and a directory that is not a store (or is damaged) refused clearly.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DirectoryStore, KEY_FILE, MANIFEST_FILE, sha256Hex, StoreError } from '../../tools/store';
import { tempDir } from '../support/cli';
import { deviceChain, newStore } from './fixtures';

const chain = deviceChain();
const DEV = 'QC-SAMPLE-01';

/**
 * Tries to overwrite a file as its owner. Root ignores file modes, so under root the file
 * is lent to nobody and the attempt runs as nobody: the mode alone must stop its owner.
 */
function overwriteAttempt(path: string): { ok: boolean; error: string } {
  if (process.getuid?.() !== 0) {
    try {
      writeFileSync(path, 'overwritten');
      return { ok: true, error: '' };
    } catch (e) {
      return { ok: false, error: String((e as Error).message) };
    }
  }
  for (let d = dirname(path); d !== '/' && d !== '.'; d = dirname(d)) chmodSync(d, statSync(d).mode | 0o011); // let nobody reach it
  const owner = statSync(path);
  chownSync(path, 65534, 65534);
  try {
    const r = spawnSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(path)}, 'overwritten')`], { uid: 65534, gid: 65534, encoding: 'utf8' });
    return { ok: r.status === 0, error: r.stderr };
  } finally {
    chownSync(path, owner.uid, owner.gid);
  }
}

describe('objects', () => {
  const store = newStore();
  store.accept(DEV, chain);
  const lines = store.held(DEV);

  test('are named by the SHA-256 of the entry bytes, objects/ab/cdef….qce, mode 0444', () => {
    for (const [i, l] of lines.entries()) {
      const path = join(store.dir, 'objects', l.sha256.slice(0, 2), `${l.sha256.slice(2)}.qce`);
      expect(sha256Hex(chain[i].bytes)).toBe(l.sha256);
      expect(statSync(path).mode & 0o777).toBe(0o444);
    }
  });

  test('an attempt to overwrite one fails, and it keeps its bytes', () => {
    const path = store.objects.path(lines[3].sha256);
    const r = overwriteAttempt(path);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/EACCES|permission denied/i);
    expect(sha256Hex(readFileSync(path))).toBe(lines[3].sha256);
  });

  test('storing the same bytes again leaves the object untouched', () => {
    const path = store.objects.path(lines[2].sha256);
    const before = statSync(path);
    store.objects.put(chain[2].bytes);
    const after = statSync(path);
    expect([after.ino, after.mtimeMs, after.mode]).toEqual([before.ino, before.mtimeMs, before.mode]);
  });

  test('an object found altered is reported, never replaced', () => {
    const s = newStore();
    s.accept(DEV, chain.slice(0, 4));
    s.objects.put(chain[4].bytes); // an offload cut after the object, before the index
    const path = s.objects.path(sha256Hex(chain[4].bytes));
    chmodSync(path, 0o644);
    const bytes = readFileSync(path);
    bytes[100] ^= 1;
    writeFileSync(path, bytes);
    expect(() => s.accept(DEV, chain.slice(4))).toThrow(StoreError);
    expect(() => s.accept(DEV, chain.slice(4))).toThrow(/object altered/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(s.position(DEV)!.throughSeq).toBe(3);
  });

  test('a store whose held entry 0 was altered cannot take more (it could not check the device key)', () => {
    const s = newStore();
    s.accept(DEV, chain.slice(0, 4));
    const path = s.objects.path(s.held(DEV)[0].sha256);
    chmodSync(path, 0o644);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(path, bytes);
    expect(() => DirectoryStore.open(s.dir).accept(DEV, chain.slice(4))).toThrow(/object altered/);
  });
});

describe('the store directory', () => {
  test('create writes the manifest and a 0600 PKCS#8 key; open checks them', () => {
    const s = newStore('unit-7');
    expect(statSync(join(s.dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(s.dir, KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const manifest = JSON.parse(readFileSync(join(s.dir, MANIFEST_FILE), 'utf8'));
    expect(manifest).toEqual({ format: 'quancheng-store-v1', id: 'unit-7', publicKey: Buffer.from(s.identity().publicKey).toString('hex') });
    expect(DirectoryStore.open(s.dir).identity().id).toBe('unit-7');
  });

  test('two stores have different keys', () => {
    expect(Buffer.from(newStore().identity().publicKey).equals(Buffer.from(newStore().identity().publicKey))).toBe(false);
  });

  const bad: [string, (dir: string) => void, RegExp][] = [
    ['an empty manifest', (d) => writeFileSync(join(d, MANIFEST_FILE), ''), /not valid JSON/],
    ['a manifest that is not a store\'s', (d) => writeFileSync(join(d, MANIFEST_FILE), '{"format":"other"}'), /unknown store format/],
    ['a key readable by others', (d) => chmodSync(join(d, KEY_FILE), 0o644), /readable by others/],
    ['a key that is not the manifest\'s', (d) => writeFileSync(join(d, KEY_FILE), readFileSync(join(newStore().dir, KEY_FILE)), { mode: 0o600 }), /does not match the public key/],
    ['a key that is not a key', (d) => writeFileSync(join(d, KEY_FILE), 'junk'), /not a readable PEM private key/],
  ];
  test.each(bad)('open refuses %s with a one-line StoreError', (_, damage, message) => {
    const s = newStore();
    damage(s.dir);
    let err: unknown;
    try {
      DirectoryStore.open(s.dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  test('a directory that is not a store, and create into one that is not empty', () => {
    const dir = tempDir('notstore');
    expect(() => DirectoryStore.open(dir)).toThrow(/not a quancheng store/);
    mkdirSync(join(dir, 'x'));
    expect(() => DirectoryStore.create(dir, 'a')).toThrow(/not empty/);
    expect(() => DirectoryStore.create(join(dir, 'new'), 'bad id!')).toThrow(/store id/);
  });
});
