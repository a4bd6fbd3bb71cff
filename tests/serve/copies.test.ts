// Evidence copies (art. 16) over HTTP: the officer asks, only the leader decides, only an
// approved request has a package, and only its asker (or the leader, the data manager)
// downloads it. The package verifies on its own and carries no other recording's media.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryPath } from '../../firmware/core/evidence';
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import { assignUnit } from '../../tools/serve/accounts';
import { auditRows } from '../../tools/serve/audit';
import { copyDir, copyIso, copyRequests } from '../../tools/serve/copies';
import { sampleChain } from '../support/chain';
import { tempDir } from '../support/cli';
import { batchOf, deviceChain, T0 } from '../store/fixtures';
import { csrfOf, pageClient, startService, type Running } from './fixture';

let svc: Running;
const clock = T0;
const { logIn, get, post } = pageClient(() => svc);

beforeAll(async () => {
  svc = await startService(() => clock);
  await svc.service.store.accept('QC-SAMPLE-01', deviceChain());
  await svc.service.store.accept('QC-UNIT-02', batchOf(sampleChain({ deviceId: 'QC-UNIT-02', signer: SoftSigner.fromSeed('unit-02'), recordings: 2 })));
  await assignUnit(svc.service.db, 'QC-SAMPLE-01', 'li', clock);
  await assignUnit(svc.service.db, 'QC-UNIT-02', 'chen', clock);
});
afterAll(async () => {
  await svc.stop();
});

async function ask(cookie: string, device: string, recording: number, reason: string): Promise<string> {
  const page = await (await get(cookie, `/recordings/${device}/${recording}`)).text();
  expect((await post(cookie, `/recordings/${device}/${recording}/copies`, { csrf: csrfOf(page), reason })).status).toBe(303);
  const mine = (await copyRequests(svc.service.db)).filter((c) => c.device_id === device && c.recording === recording && c.reason === reason);
  expect(mine).toHaveLength(1);
  return mine[0].id;
}

async function decide(cookie: string, id: string, decision: 'approve' | 'refuse', reason: string) {
  const page = await (await get(cookie, '/copies')).text();
  return post(cookie, `/copies/${id}/decide`, { csrf: csrfOf(page), decision, reason });
}

function extractIso(iso: string): string {
  const out = tempDir('iso');
  const r = spawnSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return out;
}

test('ask → approve → download: the disc image holds the recording, its originals bit-exact, a verdict that holds; every step audited', async () => {
  const li = await logIn('li');
  const id = await ask(li, 'QC-SAMPLE-01', 1, '案件移送公安机关');
  // Nothing exists before the leader decides, and the asker cannot fetch it yet.
  expect(existsSync(copyIso(svc.service.copies, id))).toBe(false);
  expect((await get(li, `/copies/${id}/disc.iso`)).status).toBe(403);
  // Only the leader decides; the officer's own try is refused and audited.
  expect((await decide(li, id, 'approve', '自己批准')).status).toBe(403);
  expect((await auditRows(svc.service.db)).pop()).toMatchObject({ actor: 'li', action: 'denied', target: `/copies/${id}/decide` });

  const zhou = await logIn('zhou');
  expect((await decide(zhou, id, 'approve', '同意移送')).status).toBe(303);
  expect((await decide(zhou, id, 'refuse', '改变主意')).status).toBe(409); // decided once

  const list = await (await get(li, '/copies?lang=en')).text();
  expect(list).toMatch(new RegExp(`data-id="${id}">.*approved</td><td>zhou · [0-9-]+ [0-9:]+Z · 同意移送</td>.*Download disc image`));
  const iso = await get(li, `/copies/${id}/disc.iso`);
  expect(iso.status).toBe(200);
  expect(iso.headers.get('content-disposition')).toMatch(/attachment; filename="QC-SAMPLE-01-1-/);
  const bytes = new Uint8Array(await iso.arrayBuffer());
  expect(Buffer.compare(bytes, readFileSync(copyIso(svc.service.copies, id)))).toBe(0);

  const disc = extractIso(copyIso(svc.service.copies, id));
  expect(readdirSync(join(disc, 'media'))).toEqual(['recording-0001.avi', 'recording-0001.wav']);
  const verdict = JSON.parse(readFileSync(join(disc, 'verify.json'), 'utf8'));
  expect(verdict.ok).toBe(true);
  const held = await svc.service.store.source.held('QC-SAMPLE-01');
  let originals = 0;
  for (const line of held) {
    const path = join(disc, 'original', entryPath(line.seq));
    if (!existsSync(path)) continue;
    originals++;
    expect(Buffer.compare(readFileSync(path), await svc.service.store.source.object(line.sha256))).toBe(0);
  }
  expect(originals).toBe(verdict.entries);
  expect(originals).toBeLessThan(held.length); // recording 2's entries stay out
  const actions = (await auditRows(svc.service.db)).filter((a) => a.target === 'QC-SAMPLE-01/1').map((a) => `${a.actor}:${a.action}`);
  expect(actions).toEqual(expect.arrayContaining(['li:copy-request', 'zhou:copy-made', 'zhou:approve', 'li:download']));
});

test("a later recording's copy is a segment anchored on the entry before it: it verifies, and holds no other recording's media", async () => {
  const chen = await logIn('chen');
  const id = await ask(chen, 'QC-UNIT-02', 2, '复议');
  expect((await decide(await logIn('zhou'), id, 'approve', '同意')).status).toBe(303);
  const dir = copyDir(svc.service.copies, id);
  expect(readdirSync(join(dir, 'media'))).toEqual(['recording-0002.avi', 'recording-0002.wav']);
  const verdict = JSON.parse(readFileSync(join(dir, 'verify.json'), 'utf8'));
  expect(verdict).toMatchObject({ ok: true, problems: [] });
  expect(verdict.first).toBeGreaterThan(0);
  // Another officer may not fetch it, nor ask for a copy of a unit not theirs.
  const li = await logIn('li');
  expect((await get(li, `/copies/${id}/disc.iso`)).status).toBe(403);
  const page = await (await get(li, '/copies')).text();
  expect(page).not.toContain(id);
  expect((await post(li, '/recordings/QC-UNIT-02/2/copies', { csrf: csrfOf(page), reason: 'x' })).status).toBe(403);
});

test('a refused request makes nothing and stays refused; no request without a reason or the CSRF token', async () => {
  const li = await logIn('li');
  const id = await ask(li, 'QC-SAMPLE-01', 2, '媒体采访');
  expect((await decide(await logIn('zhou'), id, 'refuse', '涉及个人隐私，不予提供')).status).toBe(303);
  expect(existsSync(copyDir(svc.service.copies, id)) || existsSync(copyIso(svc.service.copies, id))).toBe(false);
  expect((await get(li, `/copies/${id}/disc.iso`)).status).toBe(403);
  expect((await copyRequests(svc.service.db, 'li')).find((c) => c.id === id)).toMatchObject({ state: 'refused', decided_by: 'zhou', decision_reason: '涉及个人隐私，不予提供' });
  const page = await (await get(li, '/recordings/QC-SAMPLE-01/2')).text();
  expect((await post(li, '/recordings/QC-SAMPLE-01/2/copies', { csrf: csrfOf(page), reason: '  ' })).status).toBe(400);
  expect((await post(li, '/recordings/QC-SAMPLE-01/2/copies', { reason: '复议' })).status).toBe(403);
  expect((await post(li, '/recordings/QC-SAMPLE-01/99/copies', { csrf: csrfOf(page), reason: '复议' })).status).toBe(404);
  // The inspector reads the list but decides nothing and downloads nothing.
  const sun = await logIn('sun');
  expect(await (await get(sun, '/copies')).text()).toContain(id);
  expect((await decide(sun, id, 'approve', 'x')).status).toBe(403);
});
