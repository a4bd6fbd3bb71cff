// The pages as each role sees them, over HTTP with the session cookie: an officer sees only
// their units, roles are checked server-side, forms need the CSRF token, a leader's extension
// is recorded with who, when and why; the deadline board pages from a key, late first.
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import { assignUnit } from '../../tools/serve/accounts';
import { auditRows } from '../../tools/serve/audit';
import { boardPage, type BoardKey } from '../../tools/serve/deadline-board';
import { sampleChain } from '../support/chain';
import { batchOf, deviceChain, T0 } from '../store/fixtures';
import { csrfOf, pageClient, PASSWORD, startService, type Running } from './fixture';

let svc: Running;
let clock = T0;

beforeAll(async () => {
  svc = await startService(() => clock);
  await svc.service.store.accept('QC-SAMPLE-01', deviceChain());
  // The second unit's evidence arrives a month late: its recordings are overdue.
  clock = T0 + 30 * 86_400_000;
  await svc.service.store.accept('QC-UNIT-02', batchOf(sampleChain({ deviceId: 'QC-UNIT-02', signer: SoftSigner.fromSeed('unit-02'), recordings: 2, unresumed: true })));
  await assignUnit(svc.service.db, 'QC-UNIT-02', 'chen', clock);
  await assignUnit(svc.service.db, 'QC-SAMPLE-01', 'li', clock);
});
afterAll(async () => {
  await svc.stop();
});

const { logIn, get, post } = pageClient(() => svc);

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
  // The page names each action in Chinese; the CSV below keeps the codes.
  expect(page).toContain('<th>操作人</th><th>操作</th>');
  expect(page).toContain('<td data-action="login-failed">登录失败</td>');
  expect(await (await get(sun, '/audit?lang=en')).text()).toContain('<td data-action="login-failed">login failed</td>');
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

describe('a recording page', () => {
  test("the officer reads their recording's timeline and adds a signed note; a changed note no longer verifies", async () => {
    const li = await logIn('li');
    const page = await (await get(li, '/recordings/QC-SAMPLE-01/1')).text();
    expect(page).toMatch(/<ol class="timeline"><li>[^<]+ 开始 \(按键\)<\/li>[\s\S]*告知语音: 已播放告知语音/);
    expect(page).not.toContain('name="kind" value="explanation"'); // every interruption resumed: nothing owed
    const r = await post(li, '/recordings/QC-SAMPLE-01/1/notes', { csrf: csrfOf(page), kind: 'note', body: '当事人拒绝出示证件，已口头告知。' });
    expect(r.status).toBe(303);
    const after = await (await get(li, '/recordings/QC-SAMPLE-01/1')).text();
    expect(after).toMatch(/li · 书面补充说明（第十二条）: 当事人拒绝出示证件，已口头告知。 <small>HMAC [0-9a-f]{16}… 签名有效/);
    expect((await auditRows(svc.service.db)).some((a) => a.actor === 'li' && a.action === 'note' && a.target === 'QC-SAMPLE-01/1')).toBe(true);
    await svc.service.db.run("UPDATE notes SET body = '无' WHERE author = 'li'");
    expect(await (await get(li, '/recordings/QC-SAMPLE-01/1')).text()).toContain('签名无效');
  });

  test('no written explanation where no interruption is left unresumed; no note without the CSRF token', async () => {
    const li = await logIn('li');
    const page = await (await get(li, '/recordings/QC-SAMPLE-01/2')).text();
    expect((await post(li, '/recordings/QC-SAMPLE-01/2/notes', { csrf: csrfOf(page), kind: 'explanation', body: '说明' })).status).toBe(409);
    expect((await post(li, '/recordings/QC-SAMPLE-01/2/notes', { kind: 'note', body: '说明' })).status).toBe(403);
  });

  test("another officer's evidence is refused and audited; a leader may read it but not write in the officer's name", async () => {
    const li = await logIn('li');
    expect((await get(li, '/recordings/QC-UNIT-02/1')).status).toBe(403);
    expect((await auditRows(svc.service.db)).pop()).toMatchObject({ actor: 'li', action: 'denied', target: 'QC-UNIT-02/1' });
    const zhou = await logIn('zhou');
    const page = await get(zhou, '/recordings/QC-UNIT-02/1');
    expect(page.status).toBe(200);
    expect((await post(zhou, '/recordings/QC-UNIT-02/1/notes', { csrf: csrfOf(await page.text()), kind: 'note', body: 'x' })).status).toBe(403);
    expect((await get(zhou, '/recordings/QC-UNIT-02/99')).status).toBe(404);
  });

  test('a directory store offers no case lock: the data manager is told so, and a lock is refused', async () => {
    const zhao = await logIn('zhao');
    const page = await (await get(zhao, '/recordings/QC-SAMPLE-01/1')).text();
    expect(page).toContain('不支持对象锁定');
    expect((await post(zhao, '/recordings/QC-SAMPLE-01/1/lock', { csrf: csrfOf(page), action: 'hold-on', reason: '复议' })).status).toBe(409);
    expect((await post(await logIn('li'), '/recordings/QC-SAMPLE-01/1/lock', { action: 'hold-on', reason: '复议' })).status).toBe(403);
  });

  test("an interruption never resumed asks the unit's officer for a written explanation; it is kept, signed, and the flag stays", async () => {
    const chen = await logIn('chen');
    const page = await (await get(chen, '/recordings/QC-UNIT-02/2')).text();
    expect(page).toMatch(/中断 1 \(电量不足\) <b>未恢复：须书面说明（第十三条）<\/b>/);
    // The verifier's finding in the page's language, and none of its English wording.
    expect(page).toContain('<li data-finding="never-resumed">中断 1（电量不足）未恢复：须书面说明（第十三条）</li>');
    expect(page).not.toMatch(/never resumed|low-battery|\(art\. \d+\)/);
    expect(page).toContain('name="kind" value="explanation"');
    expect((await post(chen, '/recordings/QC-UNIT-02/2/notes', { csrf: csrfOf(page), kind: 'explanation', body: '' })).status).toBe(400);
    expect((await post(chen, '/recordings/QC-UNIT-02/2/notes', { csrf: csrfOf(page), kind: 'explanation', body: '电池耗尽，备用电池未充电，无法恢复录像。' })).status).toBe(303);
    const after = await (await get(chen, '/recordings/QC-UNIT-02/2?lang=en')).text();
    expect(after).toMatch(/chen · written explanation of the interruption \(art. 13\): 电池耗尽，备用电池未充电，无法恢复录像。 <small>HMAC [0-9a-f]{16}… signature valid/);
    // The device's record is not rewritten: the explanation stands beside it.
    expect(after).toContain('never resumed: a written explanation is owed (art. 13)');
    expect(after).toContain('<li data-finding="never-resumed">interruption 1 (low-battery) never resumed: written report needed (art. 13)</li>');
    expect((await auditRows(svc.service.db)).some((a) => a.actor === 'chen' && a.action === 'explanation' && a.target === 'QC-UNIT-02/2')).toBe(true);
  });
});
