// Offload over HTTP into `quancheng serve`: the same continuity checks and signed receipts
// as the directory store, through HttpStoreBackend and the real offload over a simulated unit.
import { parseEntry } from '../../firmware/core/evidence';
import { auditRows, verifyAudit } from '../../tools/serve/audit';
import { directorySource } from '../../tools/serve/directory-source';
import { readIndexRows, rebuildIndex } from '../../tools/serve/index-rows';
import { checkReceipt, DirectoryStore, StoreError, StoreRefusal } from '../../tools/store';
import { HttpStoreBackend } from '../../tools/store/http-backend';
import { encodeBatch } from '../../tools/store/http-wire';
import { offloadTwoUnitsTwice, START } from '../maintenance/fixture';
import { deviceChain } from '../store/fixtures';
import { apiLogin, PASSWORD, startService, tokenFor, type Running } from './fixture';

let svc: Running;
let clock = START;
const now = () => clock;

beforeEach(async () => {
  clock = START;
  svc = await startService(now);
});
afterEach(async () => {
  await svc.stop();
});

const technician = () => HttpStoreBackend.connect(svc.url, { name: 'wang', password: PASSWORD });

async function refusalOf(p: Promise<unknown>): Promise<StoreRefusal> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StoreRefusal) return e;
    throw e;
  }
  throw new Error('accepted');
}

test('two units offload over HTTP; the device checks the receipts; second offloads continue the chains; the index equals the objects', async () => {
  const store = await technician();
  expect(store.identity().id).toBe('luoping-evidence');
  await offloadTwoUnitsTwice(store);
  const objects = DirectoryStore.open(svc.dir);
  expect(objects.devices()).toEqual(['QC-MNT-0001', 'QC-MNT-0002']);
  expect(await readIndexRows(svc.service.db)).toEqual(await rebuildIndex(directorySource(objects)));
  const actions = (await auditRows(svc.service.db)).filter((r) => r.action === 'offload' || r.action === 'receipt').map((r) => `${r.action} ${r.target}`);
  expect(actions.filter((a) => a.startsWith('receipt'))).toHaveLength(4);
}, 60_000);

test('a replayed offload stores nothing twice', async () => {
  const store = await technician();
  const chain = deviceChain();
  expect(await store.accept('QC-SAMPLE-01', chain)).toMatchObject({ added: chain.length, resent: 0 });
  expect(await store.accept('QC-SAMPLE-01', chain)).toMatchObject({ added: 0, resent: chain.length });
  expect((await readIndexRows(svc.service.db)).entries).toHaveLength(chain.length);
  expect(DirectoryStore.open(svc.dir).held('QC-SAMPLE-01')).toHaveLength(chain.length);
});

test('a tampered upload is refused with its reason, audited, and nothing is stored', async () => {
  const store = await technician();
  const chain = deviceChain();
  const bad = chain.map((e) => ({ seq: e.seq, bytes: e.bytes.slice() }));
  bad[3].bytes[200] ^= 1;
  const refusal = await refusalOf(store.accept('QC-SAMPLE-01', bad));
  expect(refusal.reason).toBe('modified');
  expect(refusal.seq).toBe(3);
  expect(await store.position('QC-SAMPLE-01')).toBeUndefined();
  expect((await readIndexRows(svc.service.db)).entries).toHaveLength(0);
  expect((await auditRows(svc.service.db)).pop()).toMatchObject({ actor: 'wang', action: 'offload-refused', target: 'QC-SAMPLE-01' });
  // A gap is refused too, after a good first batch.
  await store.accept('QC-SAMPLE-01', chain.slice(0, 2));
  expect((await refusalOf(store.accept('QC-SAMPLE-01', chain.slice(3)))).reason).toBe('gap');
});

test('an unknown unit: no position, and its receipt is refused as unknown-device (404)', async () => {
  const store = await technician();
  expect(await store.position('QC-NOBODY')).toBeUndefined();
  const refusal = await refusalOf(store.receipt('QC-NOBODY', START));
  expect(refusal.reason).toBe('unknown-device');
  const r = await fetch(new URL('api/devices/QC-NOBODY/receipt?time=1', svc.url), { method: 'POST', headers: { authorization: `Bearer ${await tokenFor(svc.url, 'wang')}` } });
  expect(r.status).toBe(404);
});

test('a forged receipt fails the device-side check; a genuine one passes', async () => {
  const store = await technician();
  const chain = deviceChain();
  await store.accept('QC-SAMPLE-01', chain);
  const genuine = await store.receipt('QC-SAMPLE-01', START + 1000);
  const r = checkReceipt(genuine, store.identity().publicKey);
  expect(r.document.length).toBeGreaterThan(0);
  const forged = genuine.slice();
  forged[forged.length - 5] ^= 0x40;
  expect(() => checkReceipt(forged, store.identity().publicKey)).toThrow();
  // Signed by another store (a different key) for the same chain: not the designated store's.
  const other = DirectoryStore.create(`${svc.dir}-other`, 'luoping-evidence', { now });
  other.accept('QC-SAMPLE-01', chain);
  expect(() => checkReceipt(other.receipt('QC-SAMPLE-01', START + 1000), store.identity().publicKey)).toThrow('does not verify');
  expect(parseEntry(chain[0].bytes).header.deviceId).toBe('QC-SAMPLE-01');
});

test('only a technician may offload: no token 401, an officer 403 (audited), a malformed batch 400', async () => {
  const batch = encodeBatch(deviceChain().slice(0, 1));
  const post = (token?: string, body: Uint8Array = batch) =>
    fetch(new URL('api/devices/QC-SAMPLE-01/entries', svc.url), { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body });
  expect((await post()).status).toBe(401);
  expect((await post('not-a-session')).status).toBe(401);
  expect((await post(await tokenFor(svc.url, 'li'))).status).toBe(403);
  expect((await auditRows(svc.service.db)).pop()).toMatchObject({ actor: 'li', action: 'denied' });
  const cut = await post(await tokenFor(svc.url, 'wang'), batch.slice(0, batch.length - 1));
  expect(cut.status).toBe(400);
  expect(((await cut.json()) as { error: string }).error).toMatch(/cut off in entry 0/);
  expect(await DirectoryStore.open(svc.dir).devices()).toEqual([]);
});

test('five wrong passwords lock the technician out; the client says so on one line', async () => {
  for (let i = 0; i < 4; i++) expect((await apiLogin(svc.url, 'wang', 'wrong password')).status).toBe(401);
  expect((await apiLogin(svc.url, 'wang', 'wrong password')).status).toBe(423);
  await expect(technician()).rejects.toThrow(StoreError);
  await expect(technician()).rejects.toThrow(/HTTP 423: account locked/);
  expect((await verifyAudit(svc.service.db)).intact).toBe(true);
}, 20_000);
