// The pages as each role sees them, over HTTP with the session cookie: an officer sees only
// their units, roles are checked server-side, forms need the CSRF token, a leader's extension
// is recorded with who, when and why; the deadline board pages from a key, late first.
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import { assignUnit } from '../../tools/serve/accounts';
import { auditRows } from '../../tools/serve/audit';
import { boardPage, type BoardKey } from '../../tools/serve/deadline-board';
import { sampleChain } from '../support/chain';
import { batchOf, deviceChain, T0 } from '../store/fixtures';
import { PASSWORD, startService, type Running } from './fixture';

let svc: Running;
let clock = T0;

beforeAll(async () => {
  svc = await startService(() => clock);
  await svc.service.store.accept('QC-SAMPLE-01', deviceChain());
  // The second unit's evidence arrives a month late: its recordings are overdue.
  clock = T0 + 30 * 86_400_000;
  await svc.service.store.accept('QC-UNIT-02', batchOf(sampleChain({ deviceId: 'QC-UNIT-02', signer: SoftSigner.fromSeed('unit-02'), recordings: 2 })));
  await assignUnit(svc.service.db, 'QC-SAMPLE-01', 'li', clock);
});
afterAll(async () => {
  await svc.stop();
});

async function logIn(name: string): Promise<string> {
  const r = await fetch(new URL('login', svc.url), { method: 'POST', body: new URLSearchParams({ name, password: PASSWORD }), redirect: 'manual' });
  expect(r.status).toBe(303);
  const cookie = r.headers.get('set-cookie')!;
  expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
  return cookie.split(';')[0];
}

const get = (cookie: string, path: string) => fetch(new URL(path, svc.url), { headers: { cookie }, redirect: 'manual' });
const post = (cookie: string, path: string, fields: Record<string, string>) => fetch(new URL(path, svc.url), { method: 'POST', headers: { cookie }, body: new URLSearchParams(fields), redirect: 'manual' });
const csrfOf = (html: string) => /name="csrf" value="([0-9a-f]+)"/.exec(html)![1];

test('a wrong password shows the login page again with a refusal, audited', async () => {
  const r = await fetch(new URL('login', svc.url), { method: 'POST', body: new URLSearchParams({ name: 'li', password: 'guess' }) });
  expect(r.status).toBe(401);
  expect(await r.text()).toContain('账号或密码错误');
  expect((await auditRows(svc.service.db)).pop()).toMatchObject({ action: 'login-failed', target: 'li' });
});

test('an officer sees only the units assigned to them, and not the audit trail', async () => {
  const li = await logIn('li');
  const devices = await (await get(li, '/')).text();
  expect(devices).toContain('QC-SAMPLE-01');
  expect(devices).not.toContain('QC-UNIT-02');
  const board = await (await get(li, '/deadlines')).text();
  expect(board).toContain('QC-SAMPLE-01');
  expect(board).not.toContain('QC-UNIT-02');
  expect((await get(li, '/audit')).status).toBe(403);
  expect((await get(li, '/audit.csv')).status).toBe(403);
  expect((await auditRows(svc.service.db)).pop()).toMatchObject({ actor: 'li', action: 'denied', target: '/audit.csv' });
});

test('a technician sees the devices but not the board; nobody logged in is sent to the login page', async () => {
  const wang = await logIn('wang');
  expect((await get(wang, '/')).status).toBe(200);
  expect((await get(wang, '/deadlines')).status).toBe(403);
  const anonymous = await fetch(new URL('deadlines', svc.url), { redirect: 'manual' });
  expect(anonymous.status).toBe(303);
  expect(anonymous.headers.get('location')).toBe('/login');
});

test('the leader approves an extension (CSRF token required); the board shows who, when and why; others may not', async () => {
  const zhou = await logIn('zhou');
  const board = await (await get(zhou, '/deadlines')).text();
  expect(board.indexOf('QC-UNIT-02')).toBeLessThan(board.indexOf('QC-SAMPLE-01')); // late first
  const fields = { device: 'QC-UNIT-02', recording: '1', until: '2027-01-15', reason: '设备故障送修' };
  expect((await post(zhou, '/deadlines/extend', fields)).status).toBe(403); // no CSRF token
  expect((await post(zhou, '/deadlines/extend', { ...fields, csrf: csrfOf(board) })).status).toBe(303);
  const after = await (await get(zhou, '/deadlines?lang=en')).text();
  expect(after).toContain('Deadline board');
  expect(after).toMatch(/zhou [0-9-]+ [0-9:]+Z → 2027-01-15 16:00:00Z: 设备故障送修/);
  expect((await auditRows(svc.service.db)).some((r) => r.actor === 'zhou' && r.action === 'approve' && r.target === 'QC-UNIT-02/1')).toBe(true);
  const li = await logIn('li');
  const liPage = await (await get(li, '/deadlines')).text();
  expect((await post(li, '/deadlines/extend', { ...fields, csrf: csrfOf(liPage) })).status).toBe(403);
});

test('the inspector reads the audit trail, intact, and downloads it as CSV', async () => {
  const sun = await logIn('sun');
  const page = await (await get(sun, '/audit')).text();
  expect(page).toContain('哈希链完整');
  const csv = await get(sun, '/audit.csv');
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  expect((await csv.text()).split('\r\n')[0]).toBe('n,at,at_utc,actor,action,target,detail,prev,hash');
});

test('the board pages from a key: every recording once, late first then by deadline', async () => {
  const all = (await boardPage(svc.service.db, undefined, 1000)).rows;
  expect(all.length).toBe(5);
  const seen = [];
  let after: BoardKey | undefined;
  do {
    const page = await boardPage(svc.service.db, after, 2);
    seen.push(...page.rows);
    after = page.next;
  } while (after);
  expect(seen.map((r) => `${r.device_id}/${r.recording}`)).toEqual(all.map((r) => `${r.device_id}/${r.recording}`));
  expect(all.slice(0, 2).every((r) => r.on_time === 0 && r.device_id === 'QC-UNIT-02')).toBe(true);
  for (let i = 1; i < all.length; i++) if (all[i].on_time === all[i - 1].on_time) expect(all[i].deadline).toBeGreaterThanOrEqual(all[i - 1].deadline);
});
