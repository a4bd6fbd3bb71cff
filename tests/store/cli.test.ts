// quancheng store: init, ls, verify (exit 1 on a tampered object), add (exit 1 when refused).
import { createPublicKey } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicPoint } from '../../tools/crypto/content-key';
import { CONTENT_KEY_FILE, CONTENT_PUBLIC_KEY_FILE, loadStoreKey } from '../../tools/crypto/store-key';
import { DirectoryStore, MANIFEST_FILE } from '../../tools/store';
import { sampleChain } from '../support/chain';
import { expectOneLineError, runBin, runCli, tempDir, writeChain } from '../support/cli';

const files = sampleChain({ recordings: 3 });
const chainDir = writeChain(files);
const AT = '2026-11-27T10:00:00+08:00';

async function initStore(id = 'county-store-1'): Promise<string> {
  const dir = join(tempDir('store-cli'), 's');
  const r = await runCli('store', 'init', dir, '--id', id);
  expect(r.code).toBe(0);
  return dir;
}

describe('quancheng store', () => {
  test('init creates a store and prints its public key (130 hex digits)', async () => {
    const dir = join(tempDir('store-cli'), 's');
    const r = await runCli('store', 'init', dir, '--id', 'county-store-1');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^04[0-9a-f]{128}\n$/);
    expect(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')).publicKey).toBe(r.stdout.trim());
    // The content key pair units encrypt to (FORMAT §7a), another key than the receipt key.
    expect(statSync(join(dir, CONTENT_KEY_FILE)).mode & 0o777).toBe(0o600);
    const content = publicPoint(createPublicKey(readFileSync(join(dir, CONTENT_PUBLIC_KEY_FILE), 'utf8')));
    expect(Buffer.from(publicPoint(loadStoreKey(dir)))).toEqual(Buffer.from(content));
    expect(Buffer.from(content).toString('hex')).not.toBe(r.stdout.trim());
  });

  test('add offloads a directory of entries and issues a receipt; ls lists the device and its position', async () => {
    const dir = await initStore();
    expect((await runCli('store', 'ls', dir)).stdout).toMatch(/^store county-store-1 key 04[0-9a-f]{128}\n\(no devices\)\n$/);
    const added = await runCli('store', 'add', dir, chainDir, '--at', AT);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(new RegExp(`^accepted ${files.length} new entries \\(0 already held\\) of QC-SAMPLE-01; the store holds 0-${files.length - 1}, link [0-9a-f]{64}; receipt \\d+ bytes\\n$`));
    const again = await runCli('store', 'add', dir, chainDir, '--at', AT);
    expect(again.stdout).toMatch(new RegExp(`^accepted 0 new entries \\(${files.length} already held\\)`));
    const ls = await runCli('store', 'ls', dir);
    expect(ls.stdout.split('\n')[1]).toMatch(new RegExp(`^QC-SAMPLE-01 through ${files.length - 1} link [0-9a-f]{64} entries ${files.length} bytes \\d+ receipts 1$`));
  });

  test('verify: intact store exit 0; a tampered object exit 1, naming the entry', async () => {
    const dir = await initStore();
    await runCli('store', 'add', dir, chainDir, '--at', AT);
    const ok = await runCli('store', 'verify', dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^INTACT: QC-SAMPLE-01, entries 0-${files.length - 1}, head ${files.length - 1}:[0-9a-f]{64}, 1 receipt\\n$`));
    const store = DirectoryStore.open(dir);
    const object = store.objects.path(store.held('QC-SAMPLE-01')[5].sha256);
    chmodSync(object, 0o644);
    const bytes = readFileSync(object);
    bytes[bytes.length - 10] ^= 0x20; // in the seal's signature
    writeFileSync(object, bytes);
    const bad = await runCli('store', 'verify', dir, '--device', 'QC-SAMPLE-01');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^NOT INTACT: QC-SAMPLE-01/);
    expect(bad.stdout).toMatch(/entry 5: objects\/[0-9a-f]{2}\/[0-9a-f]{62}\.qce altered/);
    expect(bad.stdout).toMatch(/entry 5: bad-signature/);
  });

  test('verify: a kept receipt that does not match the store is a problem', async () => {
    const dir = await initStore();
    await runCli('store', 'add', dir, chainDir, '--at', AT);
    const [path] = DirectoryStore.open(dir).receipts('QC-SAMPLE-01');
    chmodSync(path, 0o644);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(path, bytes);
    const r = await runCli('store', 'verify', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`receipt ${String(files.length - 1).padStart(10, '0')}-\\d+\\.qcr: signature does not verify`));
  });

  test('verify: a damaged index is a problem (exit 1), not a crash', async () => {
    const dir = await initStore();
    await runCli('store', 'add', dir, chainDir, '--at', AT);
    const index = join(dir, 'devices', 'QC-SAMPLE-01', 'index.jsonl');
    const lines = readFileSync(index, 'utf8').split('\n');
    lines[2] = lines[3];
    writeFileSync(index, lines.join('\n'));
    const r = await runCli('store', 'verify', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NOT INTACT: QC-SAMPLE-01, no entries, 1 receipt\n  index: .*index\.jsonl line 3: expected entry 2\n$/);
  });

  test('add: a batch the store refuses is exit 1, "refused", and the store is unchanged', async () => {
    const dir = await initStore();
    const gap = writeChain(files.filter((_, i) => i !== 4));
    const r = await runCli('store', 'add', dir, gap, '--at', AT);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^quancheng store add: refused entry 4: gap: batch skips entry 4\n$/);
    expect(DirectoryStore.open(dir).devices()).toEqual([]);
  });

  test('bad input: one line, exit 2', async () => {
    const notStore = tempDir('plain');
    expectOneLineError(await runCli('store', 'ls', notStore), /^quancheng store ls: .*not a quancheng store/);
    expectOneLineError(await runCli('store', 'verify', notStore), /not a quancheng store/);
    expectOneLineError(await runCli('store', 'init', join(notStore, 'x')), /--id NAME is required/);
    expectOneLineError(await runCli('store', 'init', chainDir, '--id', 'a'), /not empty/);
    expectOneLineError(await runCli('store'), /missing subcommand/);
    expectOneLineError(await runCli('store', 'rm', notStore), /unknown subcommand "rm"/);
    const dir = await initStore();
    expectOneLineError(await runCli('store', 'verify', dir, '--device', 'QC-NOBODY'), /holds no device "QC-NOBODY"/);
    expectOneLineError(await runCli('store', 'add', dir, notStore), /no sealed evidence entries|no evidence/);
  });

  test('the built command: quancheng store init', () => {
    const r = runBin('store', 'init', join(tempDir('store-bin'), 's'), '--id', 'bin-store');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^04[0-9a-f]{128}\n$/);
  });
});
