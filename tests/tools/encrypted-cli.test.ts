// The reading commands on an encrypted chain (FORMAT §7a): verify without a key checks it
// all but its content; verify --html and export need the designated store's content key
// (--store-key FILE, or the store directory), refuse in one line without it or with the
// wrong one, leave nothing behind, and with it give what the same clear chain gives.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePayload, parseEntry, type EntryFile } from '../../firmware/core/evidence';
import { BLOCK_SIZE, storageLfsConfig } from '../../host-sim/flash/storage-volume';
import { NorFlash } from '../../host-sim/flash/nor';
import { Littlefs } from '../../host-sim/littlefs/index';
import { CONTENT_KEY_FILE } from '../../tools/crypto/store-key';
import { copyFiles, encryptChain, sampleChain, storeContentKey } from '../support/chain';
import { expectOneLineError, runCli, tempDir, writeChain } from '../support/cli';

const AT = '2026-11-27T09:00:00+08:00';
const store = storeContentKey();
const clearFiles = sampleChain();
const encryptedFiles = encryptChain(clearFiles, store.publicPoint);

let base: string;
let clearDir: string;
let encDir: string;
let keyFile: string;
let storeDir: string;
let wrongKey: string;

beforeAll(() => {
  base = tempDir('enc-cli');
  clearDir = writeChain(clearFiles, join(base, 'clear'));
  encDir = writeChain(encryptedFiles, join(base, 'encrypted'));
  keyFile = join(base, 'store-content.pem');
  writeFileSync(keyFile, store.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  storeDir = join(base, 'store');
  mkdirSync(storeDir);
  writeFileSync(join(storeDir, CONTENT_KEY_FILE), store.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  wrongKey = join(base, 'wrong.pem');
  writeFileSync(wrongKey, storeContentKey('not the designated store').privateKey.export({ format: 'pem', type: 'pkcs8' }));
});

const recordingLines = (text: string) => text.slice(text.indexOf('\nrecordings:'));

describe('quancheng verify of an encrypted chain', () => {
  test('without a key: intact (exit 0), the content not read, no journal content shown', async () => {
    const r = await runCli('verify', encDir, '--at', AT);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^INTACT: device QC-SAMPLE-01/);
    expect(r.stdout).toContain(`encrypted: ${encryptedFiles.length} of ${encryptedFiles.length} entries; integrity checked, content not read`);
    // No gap count either: without the journal it is unknown, not zero.
    expect(r.stdout).toMatch(/^recordings: \d+, gaps: not read \(encrypted\)$/m);
    expect(r.stdout).toContain('notice not read (encrypted)');
    expect(r.stdout).not.toContain('李明');
    const j = JSON.parse((await runCli('verify', encDir, '--at', AT, '--json')).stdout);
    expect(j.encrypted).toEqual({ entries: encryptedFiles.length, contentRead: false });
  });

  test.each([
    ['a key file', () => keyFile],
    ['the store directory', () => storeDir],
  ])('with %s: every rule check runs, and reads as for the clear chain', async (_, key) => {
    const clear = await runCli('verify', clearDir, '--at', AT);
    const r = await runCli('verify', encDir, '--at', AT, '--store-key', key());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("content read with the store's key");
    expect(recordingLines(r.stdout)).toBe(recordingLines(clear.stdout));
    expect(r.stdout).toContain('李明');
  });

  test('one flipped ciphertext bit: NOT INTACT without a key, and with it (the entry is not decrypted)', async () => {
    const files = copyFiles(encryptedFiles);
    const e = parseEntry(files[2].bytes);
    files[2].bytes[e.records[4].offset + 12 + 9] ^= 0x04;
    const dir = writeChain(files);
    for (const extra of [[], ['--store-key', keyFile]]) {
      const r = await runCli('verify', dir, '--at', AT, ...extra);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^NOT INTACT/);
      expect(r.stdout).toMatch(/^modified at 2: /m);
    }
  });

  test('--html without the key or with the wrong one: exit 2, one line, no report left', async () => {
    const html = join(base, 'report.html');
    expectOneLineError(await runCli('verify', encDir, '--html', html), new RegExp(`^quancheng verify: .* holds ${encryptedFiles.length} encrypted entries: reading them needs the designated store's content key \\(--store-key FILE, or the store directory\\)\n$`));
    expect(existsSync(html)).toBe(false);
    expectOneLineError(await runCli('verify', encDir, '--html', html, '--store-key', wrongKey), /^quancheng verify: --store-key .*wrong\.pem: not the designated store's content key/);
    expect(existsSync(html)).toBe(false);
    expect(readdirSync(base).filter((n) => n.startsWith('report'))).toEqual([]);
    expectOneLineError(await runCli('verify', encDir, '--html', html, '--store-key', join(base, 'clear')), /^quancheng verify: --store-key: .*clear is a directory without content-key\.pem/);
  });

  test('--html with the key: the report shows the decrypted journal', async () => {
    const html = join(base, 'with-key.html');
    const r = await runCli('verify', encDir, '--at', AT, '--html', html, '--store-key', storeDir);
    expect(r.code).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('李明');
    expect(text).not.toContain('not read (encrypted)');
  });

  test('a clear chain ignores --store-key', async () => {
    const r = await runCli('verify', clearDir, '--at', AT, '--store-key', join(base, 'none.pem'));
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('encrypted');
  });
});

describe('quancheng export of an encrypted chain', () => {
  test('without the key, with the wrong key: exit 2, one line, nothing written', async () => {
    const parent = tempDir('enc-export');
    const out = join(parent, 'package');
    expectOneLineError(await runCli('export', encDir, '--out', out, '--at', AT), new RegExp(`^quancheng export: .* holds ${encryptedFiles.length} encrypted entries: reading them needs the designated store's content key`));
    expectOneLineError(await runCli('export', encDir, '--out', out, '--at', AT, '--store-key', wrongKey), /^quancheng export: --store-key .*: not the designated store's content key/);
    expect(readdirSync(parent)).toEqual([]);
  });

  test('with the key: the same media bytes and note as the clear chain; the originals as written', async () => {
    const parent = tempDir('enc-export');
    const clearOut = join(parent, 'clear');
    const encOut = join(parent, 'encrypted');
    expect((await runCli('export', clearDir, '--out', clearOut, '--at', AT)).code).toBe(0);
    const r = await runCli('export', encDir, '--out', encOut, '--at', AT, '--store-key', keyFile);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const media = readdirSync(join(clearOut, 'media')).sort();
    expect(media.length).toBeGreaterThan(0);
    expect(readdirSync(join(encOut, 'media')).sort()).toEqual(media);
    for (const m of media) expect(readFileSync(join(encOut, 'media', m)).equals(readFileSync(join(clearOut, 'media', m)))).toBe(true);
    const noteOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'note.json'), 'utf8'));
    expect(noteOf(encOut).recordings).toEqual(noteOf(clearOut).recordings);
    for (const f of encryptedFiles) expect(readFileSync(join(encOut, 'original', f.path)).equals(Buffer.from(f.bytes))).toBe(true);
  });
});

/** A storage partition image holding these entry files (what `esptool read_flash` would give). */
function volumeImage(files: readonly EntryFile[]): string {
  const blocks = 64;
  const nor = new NorFlash({ blockSize: BLOCK_SIZE, blockCount: blocks });
  const lfs = new Littlefs(storageLfsConfig(blocks), nor);
  lfs.format();
  lfs.mount();
  const dirs = new Set(files.map((f) => f.path.split('/').slice(0, -1).join('/')));
  for (const d of [...dirs].sort()) {
    let at = '';
    for (const part of d.split('/')) {
      at = at ? `${at}/${part}` : part;
      if (!lfs.exists(at)) lfs.mkdir(at);
    }
  }
  for (const f of files) lfs.writeFile(f.path, f.bytes);
  lfs.unmount();
  const image = join(tempDir('enc-image'), 'flash.img');
  nor.save(image);
  return image;
}

describe('quancheng extract of an encrypted volume', () => {
  let image: string;
  beforeAll(() => {
    image = volumeImage(encryptedFiles);
  });

  test('without the key, with the wrong key: exit 2, one line, no directory left', async () => {
    const parent = tempDir('enc-extract');
    const out = join(parent, 'volume');
    expectOneLineError(await runCli('extract', image, out), /^quancheng extract: .* holds \d+ encrypted entries: reading them needs the designated store's content key/);
    expectOneLineError(await runCli('extract', image, out, '--store-key', wrongKey), /^quancheng extract: --store-key .*: not the designated store's content key/);
    expect(readdirSync(parent)).toEqual([]);
  });

  test('with the key: the entries as written (they verify), each decrypted beside it with the clear chain\'s media bytes', async () => {
    const out = join(tempDir('enc-extract'), 'volume');
    const r = await runCli('extract', image, out, '--store-key', storeDir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${encryptedFiles.length} encrypted entries decrypted beside them (*.plain)`);
    clearFiles.forEach((c, i) => {
      const f = encryptedFiles[i];
      expect(readFileSync(join(out, f.path)).equals(Buffer.from(f.bytes))).toBe(true);
      const twin = readFileSync(join(out, f.path + '.plain'));
      const plain = parseEntry(new Uint8Array(twin));
      const clear = parseEntry(c.bytes);
      const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
      expect(plain.records.slice(1).map((s) => [s.code, hex(s.payload)])).toEqual(clear.records.map((s) => [s.code, hex(s.payload)]));
      for (const s of plain.records) expect(() => decodePayload(s.code, s.t, s.payload)).not.toThrow();
    });
    const v = await runCli('verify', out, '--at', AT);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^INTACT/);
  });

  test('an entry whose bytes do not check is copied as it is and not decrypted; a note says so', async () => {
    const files = copyFiles(encryptedFiles);
    const e = parseEntry(files[5].bytes);
    files[5].bytes[e.records[1].offset + 12 + 3] ^= 0x20;
    const out = join(tempDir('enc-extract'), 'volume');
    const r = await runCli('extract', volumeImage(files), out, '--store-key', keyFile);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`extract: note: ${files[5].path}: entry 5: its hashes or link do not check; not decrypted\n`);
    expect(existsSync(join(out, files[5].path))).toBe(true);
    expect(existsSync(join(out, files[5].path + '.plain'))).toBe(false);
    expect(existsSync(join(out, files[4].path + '.plain'))).toBe(true);
  });
});
