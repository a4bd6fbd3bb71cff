// The service on the bureau's engines, end to end: `quancheng serve`'s service over a real
// SeaweedFS bucket with Object Lock and a real PostgreSQL index. Two simulated units offload
// twice each over HTTP (the real offload, receipts checked) and their chains continue; the
// index rebuilt from the bucket alone equals the database's; the deadline board and a
// recording page are served from PostgreSQL; the engine refuses deleting what was offloaded.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectLegalHoldCommand, GetObjectRetentionCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { addAccount, assignUnit } from '../../../tools/serve/accounts';
import { openBureau, parseBureauConfig, type BureauConfig } from '../../../tools/serve/bureau';
import { readIndexRows, rebuildIndex } from '../../../tools/serve/index-rows';
import { s3Source } from '../../../tools/serve/s3-source';
import { listen, serviceServer } from '../../../tools/serve/server';
import type { Service } from '../../../tools/serve/service';
import { HttpStoreBackend } from '../../../tools/store/http-backend';
import { S3EvidenceStore } from '../../../tools/store/s3-store';
import { offloadTwoUnitsTwice, START } from '../../maintenance/fixture';
import { csrfOf, pageClient, PASSWORD, type Running } from '../../serve/fixture';
import { tempDir } from '../../support/cli';
import { findPostgres, startPostgres, type PgServer } from '../../support/postgres';
import { findWeed, startSeaweed, type SeaweedServer } from '../../support/seaweedfs';

const weed = findWeed();
const pgBin = findPostgres();
const maybe = weed && pgBin ? describe : describe.skip;

maybe('the service on SeaweedFS (Object Lock) and PostgreSQL', () => {
  let seaweed: SeaweedServer;
  let pg: PgServer;
  let config: BureauConfig;
  let service: Service;
  let running: Running;
  let clock = START;
  const credentials = () => ({ accessKeyId: seaweed.accessKeyId, secretAccessKey: seaweed.secretAccessKey });

  beforeAll(async () => {
    [seaweed, pg] = await Promise.all([startSeaweed(weed!), startPostgres(pgBin!)]);
    const dir = tempDir('bureau');
    const storeKey = join(dir, 'store-key.pem');
    writeFileSync(storeKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const db = await pg.createDatabase();
    config = parseBureauConfig(JSON.stringify({ data: join(dir, 'data'), s3: { endpoint: seaweed.endpoint, bucket: `qc-bureau-${process.pid}` }, storeKey, contentKey: join(dir, 'content-key.pem'), postgres: db }), 'bureau.json');
    service = await openBureau(config, { init: 'luoping-evidence', now: () => clock, credentials: credentials() });
    expect(service.db.engine).toBe('postgres');
    // --init made the content key pair units are provisioned with (FORMAT §7a), kept out of the bucket.
    expect(statSync(join(dir, 'content-key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'content-key.pub.pem'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(service.contentKey?.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    for (const [name, role] of [['wang', 'technician'], ['zhou', 'leader'], ['li', 'officer']] as const) await addAccount(service.db, name, role, PASSWORD, clock);
    const server = serviceServer(service);
    const url = await listen(server, '127.0.0.1', 0);
    running = { dir, url, service, server, stop: async () => new Promise<void>((r) => server.close(() => r())) };
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    await service?.close();
    await Promise.all([seaweed?.stop(), pg?.stop()]);
  });

  test('two units offload twice over HTTP; chains continue; the index rebuilt from the bucket equals PostgreSQL\'s; pages read it', async () => {
    const store = await HttpStoreBackend.connect(running.url, { name: 'wang', password: PASSWORD });
    await offloadTwoUnitsTwice(store);
    // A second reader of the bucket, knowing nothing but the bucket and the key.
    const s3 = seaweed.client();
    const fresh = await S3EvidenceStore.open(s3, config.s3.bucket, readFileSync(config.storeKey, 'utf8'));
    expect(await fresh.devices()).toEqual(['QC-MNT-0001', 'QC-MNT-0002']);
    const rebuilt = await rebuildIndex(s3Source(fresh));
    for (const id of ['QC-MNT-0001', 'QC-MNT-0002']) expect(rebuilt.entries.filter((e) => e.device_id === id).length).toBeGreaterThanOrEqual(2);
    expect(rebuilt.recordings.length).toBeGreaterThanOrEqual(2);
    expect(await readIndexRows(service.db)).toEqual(rebuilt);

    // The engine, not the service, refuses to lose an offloaded entry.
    const line = (await fresh.held('QC-MNT-0001'))[0];
    const key = `objects/${line.sha256.slice(0, 2)}/${line.sha256.slice(2)}.qce`;
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: config.s3.bucket, Prefix: key }));
    expect(versions.Versions?.length).toBe(1);
    await expect(s3.send(new DeleteObjectCommand({ Bucket: config.s3.bucket, Key: key, VersionId: versions.Versions![0].VersionId }))).rejects.toThrow();
    expect(await fresh.read(line)).toHaveLength(line.bytes);
    s3.destroy();

    // The pages, from PostgreSQL.
    await assignUnit(service.db, 'QC-MNT-0001', 'li', clock);
    const { logIn, get, post } = pageClient(() => running);
    const zhou = await logIn('zhou');
    const board = await (await get(zhou, '/deadlines')).text();
    expect(board).toContain('QC-MNT-0001');
    expect(board).toContain('QC-MNT-0002');
    const li = await logIn('li');
    const page = await get(li, '/recordings/QC-MNT-0001/1');
    expect(page.status).toBe(200);
    expect((await post(li, '/recordings/QC-MNT-0001/1/notes', { csrf: csrfOf(await page.text()), kind: 'note', body: '现场人员较多。' })).status).toBe(303);
    expect((await service.db.all("SELECT body FROM notes WHERE author = 'li'")).map((r) => r.body)).toEqual(['现场人员较多。']);
  });

  test("the leader's case lock: a legal hold on a recording's objects, lifted; its retention extended to the case file's term, never shortened; officers may not", async () => {
    const { logIn, get, post } = pageClient(() => running);
    const zhou = await logIn('zhou');
    const page = await (await get(zhou, '/recordings/QC-MNT-0001/1')).text();
    expect(page).toContain('action="/recordings/QC-MNT-0001/1/lock"');
    const lock = (fields: Record<string, string>) => post(zhou, '/recordings/QC-MNT-0001/1/lock', { csrf: csrfOf(page), ...fields });
    const s3 = seaweed.client();
    const fresh = await S3EvidenceStore.open(s3, config.s3.bucket, readFileSync(config.storeKey, 'utf8'));
    const held = await fresh.held('QC-MNT-0001');
    const objects = held.map((l) => ({ Bucket: config.s3.bucket, Key: `objects/${l.sha256.slice(0, 2)}/${l.sha256.slice(2)}.qce`, VersionId: l.version }));
    const holds = async () => Promise.all(objects.map(async (o) => (await s3.send(new GetObjectLegalHoldCommand(o)).catch(() => ({ LegalHold: { Status: 'OFF' } }))).LegalHold?.Status));
    const retained = async () => Promise.all(objects.map(async (o) => (await s3.send(new GetObjectRetentionCommand(o))).Retention!.RetainUntilDate!.getTime()));

    expect((await lock({ action: 'hold-on', reason: '行政复议审查中' })).status).toBe(303);
    const on = await holds();
    expect(on.filter((x) => x === 'ON').length).toBeGreaterThan(0);
    expect(on.filter((x) => x === 'ON').length).toBeLessThan(objects.length); // recording 1's run only
    expect((await lock({ action: 'hold-off', reason: '复议结束' })).status).toBe(303);
    expect((await holds()).every((x) => x === 'OFF')).toBe(true);

    const before = await retained();
    expect((await lock({ action: 'retain', until: '2040-06-30', reason: '案卷保存期限 30 年' })).status).toBe(303);
    const after = await retained();
    const extended = after.filter((t, i) => t !== before[i]);
    expect(extended.length).toBe(on.filter((x) => x === 'ON').length);
    for (const t of extended) expect(t).toBe(Date.parse('2040-07-01T00:00:00+08:00'));
    expect((await lock({ action: 'retain', until: '2031-01-01', reason: '缩短' })).status).toBe(303);
    expect(await retained()).toEqual(after); // never shortened
    expect((await lock({ action: 'retain', reason: '无日期' })).status).toBe(400);

    const li = await logIn('li');
    expect((await post(li, '/recordings/QC-MNT-0001/1/lock', { csrf: csrfOf(await (await get(li, '/recordings/QC-MNT-0001/1')).text()), action: 'hold-off', reason: 'x' })).status).toBe(403);
    const log = (await service.db.all("SELECT action, objects FROM case_locks WHERE device_id = 'QC-MNT-0001' ORDER BY at, action")).map((r) => `${r.action}:${r.objects}`);
    expect(log).toHaveLength(4);
    expect(log).toContain('retain:0');
    s3.destroy();
  });
});

describe('the bureau configuration', () => {
  test.each([
    ['{', /not JSON/],
    ['[]', /must be a JSON object/],
    ['{"data":"d","storeKey":"k","s3":{"endpoint":"ftp://x","bucket":"evidence"},"postgres":{"host":"h","database":"d","user":"u"}}', /s3.endpoint/],
    ['{"data":"d","storeKey":"k","s3":{"endpoint":"http://x","bucket":"Evidence_1"},"postgres":{"host":"h","database":"d","user":"u"}}', /s3.bucket/],
    ['{"data":"d","storeKey":"k","s3":{"endpoint":"http://x","bucket":"evidence","retentionDays":0},"postgres":{"host":"h","database":"d","user":"u"}}', /retentionDays/],
    ['{"data":"d","storeKey":"k","s3":{"endpoint":"http://x","bucket":"evidence"},"postgres":{"host":"h","user":"u"}}', /postgres/],
    ['{"data":"d","storeKey":"k","contentKey":7,"s3":{"endpoint":"http://x","bucket":"evidence"},"postgres":{"host":"h","database":"d","user":"u"}}', /contentKey/],
  ])('%s is refused in one line', (text, why) => {
    expect(() => parseBureauConfig(text, 'bureau.json')).toThrow(why);
    try {
      parseBureauConfig(text, 'bureau.json');
    } catch (e) {
      expect((e as Error).message).toMatch(/^bureau\.json: [^\n]+$/);
    }
  });
});
