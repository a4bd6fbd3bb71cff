// The service's pages in a real browser (playwright-core driving Debian's chromium): each role
// logs in through the form and sees only what it may; an officer writes a note and asks for an
// evidence copy, another writes the explanation an unresumed interruption owes, the leader
// approves an extension and the copy, the officer downloads the disc image. A screenshot of
// every page goes to out/screenshots/serve/ (CJK text needs fonts-noto-cjk: scripts/install.sh).
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import { assignUnit } from '../../tools/serve/accounts';
import { AUDIT_ACTION_NAME } from '../../tools/serve/i18n';
import { sampleChain } from '../support/chain';
import { tempDir } from '../support/cli';
import { batchOf, deviceChain, T0 } from '../store/fixtures';
import { PASSWORD, startService, type Running } from './fixture';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '../../out/screenshots/serve');
jest.setTimeout(60_000);

let svc: Running;
let browser: Browser;
let clock = T0;

beforeAll(async () => {
  svc = await startService(() => clock);
  await svc.service.store.accept('QC-SAMPLE-01', deviceChain());
  clock = T0 + 30 * 86_400_000; // the second unit offloads a month late: overdue
  await svc.service.store.accept('QC-UNIT-02', batchOf(sampleChain({ deviceId: 'QC-UNIT-02', signer: SoftSigner.fromSeed('unit-02'), recordings: 2, unresumed: true })));
  await assignUnit(svc.service.db, 'QC-SAMPLE-01', 'li', clock);
  await assignUnit(svc.service.db, 'QC-UNIT-02', 'chen', clock);
  mkdirSync(SHOTS, { recursive: true });
  expect(existsSync(CHROMIUM)).toBe(true);
  browser = await chromium.launch({ executablePath: CHROMIUM });
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

/** A fresh browser context logged in as `name` through the login form. */
async function as(name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(new URL('/', svc.url).href);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('button[type=submit], form button')]);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

async function status(page: Page, path: string): Promise<number> {
  return (await page.goto(new URL(path, svc.url).href))!.status();
}

test('each role sees only its pages', async () => {
  const expected: Record<string, Record<string, number>> = {
    wang: { '/': 200, '/deadlines': 403, '/copies': 403, '/audit': 403, '/recordings/QC-SAMPLE-01/1': 403 },
    li: { '/': 200, '/deadlines': 200, '/copies': 200, '/audit': 403, '/recordings/QC-SAMPLE-01/1': 200, '/recordings/QC-UNIT-02/1': 403 },
    zhao: { '/': 200, '/deadlines': 200, '/copies': 200, '/audit': 200, '/recordings/QC-UNIT-02/1': 200 },
    sun: { '/': 200, '/deadlines': 200, '/copies': 200, '/audit': 200, '/recordings/QC-UNIT-02/1': 200 },
    zhou: { '/': 200, '/deadlines': 200, '/copies': 200, '/audit': 200, '/recordings/QC-UNIT-02/1': 200 },
  };
  for (const [name, pages] of Object.entries(expected)) {
    const page = await as(name);
    if (name === 'li') {
      const units = await page.locator('table').innerText();
      expect(units).toContain('QC-SAMPLE-01');
      expect(units).not.toContain('QC-UNIT-02');
    }
    await shot(page, `devices-${name}`);
    const seen: Record<string, number> = {};
    for (const path of Object.keys(pages)) seen[path] = await status(page, path);
    expect(seen).toEqual(pages);
    await page.context().close();
  }
});

test('the officer writes a note and asks for a copy; another writes an owed explanation; the leader approves an extension and the copy; the officer downloads it', async () => {
  const li = await as('li');
  await li.goto(new URL('/recordings/QC-SAMPLE-01/1', svc.url).href);
  await li.fill('form:has(input[value=note]) textarea', '当事人拒绝签字，已由两名执法人员见证。');
  await Promise.all([li.waitForLoadState('load'), li.click('form:has(input[value=note]) button')]);
  await li.waitForSelector('ul.notes li');
  expect(await li.locator('ul.notes').innerText()).toMatch(/当事人拒绝签字.*签名有效/);
  await li.fill('input[name=reason]', '移送司法机关');
  await Promise.all([li.waitForURL((u) => u.pathname === '/copies'), li.click('form[action$="/copies"] button')]);
  expect(await li.locator('table').innerText()).toContain('待审批');
  await shot(li, 'copies-asked-li');

  const chen = await as('chen');
  await chen.goto(new URL('/recordings/QC-UNIT-02/2', svc.url).href);
  expect(await chen.locator('ol.timeline').innerText()).toContain('未恢复：须书面说明（第十三条）');
  await chen.fill('form:has(input[value=explanation]) textarea', '电池耗尽且备用电池未充电，无法恢复录像。');
  await Promise.all([chen.waitForLoadState('load'), chen.click('form:has(input[value=explanation]) button')]);
  await chen.waitForSelector('ul.notes li[data-kind=explanation]');
  await shot(chen, 'recording-explanation-chen');

  const zhou = await as('zhou');
  await zhou.goto(new URL('/deadlines', svc.url).href);
  const late = zhou.locator('tr.late').first();
  await late.locator('input[name=until]').fill('2027-01-15');
  await late.locator('input[name=reason]').fill('设备送修，延期存储');
  await Promise.all([zhou.waitForURL((u) => u.pathname === '/deadlines'), late.locator('button').click()]);
  expect(await zhou.locator('tr.late').first().innerText()).toMatch(/zhou.*设备送修，延期存储/);
  await shot(zhou, 'deadlines-leader');
  await zhou.goto(new URL('/copies', svc.url).href);
  await zhou.fill('tr.asked input[name=reason]', '同意移送');
  await Promise.all([zhou.waitForURL((u) => u.pathname === '/copies'), zhou.click('tr.asked button[value=approve]')]);
  expect(await zhou.locator('tr.approved').innerText()).toContain('同意移送');
  await shot(zhou, 'copies-leader');

  await li.goto(new URL('/copies', svc.url).href);
  const [download] = await Promise.all([li.waitForEvent('download'), li.click('tr.approved a[href$="disc.iso"]')]);
  const saved = join(tempDir('browser-download'), download.suggestedFilename());
  await download.saveAs(saved);
  expect(readFileSync(saved).subarray(0x8001, 0x8006).toString()).toBe('CD001'); // ISO 9660 volume descriptor
  await li.goto(new URL('/recordings/QC-SAMPLE-01/1', svc.url).href);
  await shot(li, 'recording-li');

  const sun = await as('sun');
  await sun.goto(new URL('/audit', svc.url).href);
  const trail = await sun.locator('body').innerText();
  expect(trail).toContain('哈希链完整');
  for (const action of ['note', 'explanation', 'copy-request', 'approve', 'download'] as const) expect(trail).toContain(AUDIT_ACTION_NAME[action].zh);
  await shot(sun, 'audit-inspector');
  await sun.goto(new URL('/copies?lang=en', svc.url).href);
  expect(await sun.locator('button').filter({ hasText: 'Approve' }).count()).toBe(0);
  await shot(sun, 'copies-inspector-en');
});
