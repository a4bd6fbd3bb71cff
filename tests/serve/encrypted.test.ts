// The designated store and encrypted evidence (FORMAT §7a): `store init` makes the content
// key pair units are provisioned with; offload keeps the ciphertext byte for byte (the
// store checks it without decrypting); the service decrypts only for an approved copy and
// a recording's page, with the store directory's content key.
import { createPublicKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { publicPoint } from '../../tools/crypto/content-key';
import { CONTENT_KEY_FILE, CONTENT_PUBLIC_KEY_FILE, loadStoreKey } from '../../tools/crypto/store-key';
import { assignUnit } from '../../tools/serve/accounts';
import { copyDir, copyRequests, produceCopy } from '../../tools/serve/copies';
import { encryptChain, sampleChain } from '../support/chain';
import { runCli, tempDir, writeChain } from '../support/cli';
import { batchOf, T0 } from '../store/fixtures';
import { csrfOf, pageClient, startService, type Running } from './fixture';

let svc: Running;
const { logIn, get, post } = pageClient(() => svc);
const clear = sampleChain({ recordings: 2 });
let encrypted: ReturnType<typeof encryptChain>;

beforeAll(async () => {
  svc = await startService(() => T0);
  encrypted = encryptChain(clear, publicPoint(createPublicKey(readFileSync(join(svc.dir, CONTENT_PUBLIC_KEY_FILE), 'utf8'))));
  await svc.service.store.accept('QC-SAMPLE-01', batchOf(encrypted));
  await assignUnit(svc.service.db, 'QC-SAMPLE-01', 'li', T0);
});
afterAll(async () => {
  await svc.stop();
});

test('the store directory holds the content key pair: private 0600 PKCS#8, public SPKI, a pair', () => {
  const priv = join(svc.dir, CONTENT_KEY_FILE);
  expect(statSync(priv).mode & 0o777).toBe(0o600);
  expect(readFileSync(priv, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  expect(readFileSync(join(svc.dir, CONTENT_PUBLIC_KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  expect(Buffer.from(publicPoint(loadStoreKey(svc.dir)))).toEqual(Buffer.from(publicPoint(createPublicKey(readFileSync(join(svc.dir, CONTENT_PUBLIC_KEY_FILE), 'utf8')))));
});

test('offload keeps the ciphertext as sent', async () => {
  const held = await svc.service.store.source.held('QC-SAMPLE-01');
  expect(held.map((l) => l.seq)).toEqual(encrypted.map((_, i) => i));
  for (const line of held) expect(Buffer.from(await svc.service.store.source.object(line.sha256))).toEqual(Buffer.from(encrypted[line.seq].bytes));
});

test("a recording's page reads the decrypted journal; an approved copy has the clear chain's media bytes and the ciphertext originals", async () => {
  const li = await logIn('li');
  const page = await (await get(li, '/recordings/QC-SAMPLE-01/1?lang=en')).text();
  expect(page).toContain('李明');
  expect(page).not.toContain('not read (encrypted)');
  expect((await post(li, '/recordings/QC-SAMPLE-01/1/copies', { csrf: csrfOf(page), reason: '案件移送' })).status).toBe(303);
  const [req] = (await copyRequests(svc.service.db)).filter((c) => c.recording === 1);
  const zhou = await logIn('zhou');
  const list = await (await get(zhou, '/copies')).text();
  expect((await post(zhou, `/copies/${req.id}/decide`, { csrf: csrfOf(list), decision: 'approve', reason: '同意' })).status).toBe(303);
  const dir = copyDir(svc.service.copies, req.id);
  expect(JSON.parse(readFileSync(join(dir, 'verify.json'), 'utf8'))).toMatchObject({ ok: true, encrypted: { contentRead: true } });
  for (const f of readdirSync(join(dir, 'original'), { recursive: true }) as string[]) {
    if (!f.endsWith('.qce')) continue;
    const seq = Number(f.split('/').pop()!.slice(0, -4));
    expect(readFileSync(join(dir, 'original', f)).equals(Buffer.from(encrypted[seq].bytes))).toBe(true);
  }
  // The same recording exported from the clear chain.
  const out = join(tempDir('clear-export'), 'p');
  expect((await runCli('export', writeChain(clear), '--out', out, '--at', new Date(T0).toISOString())).code).toBe(0);
  const media = readdirSync(join(dir, 'media')).sort();
  expect(media).toEqual(['recording-0001.avi', 'recording-0001.wav']);
  for (const m of media) expect(readFileSync(join(dir, 'media', m)).equals(readFileSync(join(out, 'media', m)))).toBe(true);
});

test('without the content key the service makes no copy of encrypted evidence: a clear refusal, nothing written', async () => {
  const li = await logIn('li');
  const page = await (await get(li, '/recordings/QC-SAMPLE-01/2')).text();
  expect((await post(li, '/recordings/QC-SAMPLE-01/2/copies', { csrf: csrfOf(page), reason: '复议' })).status).toBe(303);
  const [req] = (await copyRequests(svc.service.db)).filter((c) => c.recording === 2);
  const root = tempDir('no-key-copies');
  await expect(produceCopy(root, svc.service.db, svc.service.store.source, req, T0, undefined)).rejects.toThrow(/encrypted entries and the store has no content key \(content-key\.pem\)/);
  expect(readdirSync(root)).toEqual([]);
});
