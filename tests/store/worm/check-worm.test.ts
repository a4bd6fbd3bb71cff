// quancheng store check-worm against a real SeaweedFS: a bucket made with Object Lock passes
// (the engine refuses every attempt on the locked probe); one without fails with exit 1;
// bad input and an endpoint that is not there are one line and exit 2.
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createServer } from 'node:net';
import { expectOneLineError, runCli } from '../../support/cli';
import { findWeed, startSeaweed, type SeaweedServer } from '../../support/seaweedfs';

const weed = findWeed();
const maybe = weed ? describe : describe.skip;

/** A loopback port nothing listens on (bound, read, closed). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

maybe('quancheng store check-worm on SeaweedFS', () => {
  let server: SeaweedServer;
  let s3: S3Client;
  let creds: string[];
  beforeAll(async () => {
    server = await startSeaweed(weed!);
    s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'locked-evidence', ObjectLockEnabledForBucket: true }));
    await s3.send(new CreateBucketCommand({ Bucket: 'plain-bucket' }));
    creds = ['--access-key', server.accessKeyId, '--secret-key', server.secretAccessKey];
  }, 90_000);
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  test('a bucket with Object Lock refuses every attempt: exit 0, each result printed', async () => {
    const r = await runCli('store', 'check-worm', '--endpoint', server.endpoint, '--bucket', 'locked-evidence', ...creds, '--retain', '30');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^probe s3:\/\/locked-evidence\/quancheng-worm-probe\/\S+ version \S+$/);
    for (const what of ['write the probe locked in COMPLIANCE', 'delete the probe version:', 'BypassGovernanceRetention:', 'overwrite the probe', 'shorten the retention', 'weaken the lock to GOVERNANCE', 'still holds its bytes']) {
      expect(lines.find((l) => l.includes(what))).toMatch(/^PASS /);
    }
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(lines[lines.length - 1]).toMatch(/^WORM: the engine refused every attempt/);
  });

  test('a bucket without Object Lock fails: exit 1, naming what the engine allowed', async () => {
    const r = await runCli('store', 'check-worm', '--endpoint', server.endpoint, '--bucket', 'plain-bucket', ...creds);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}write the probe locked in COMPLIANCE mode .*does not take Object Lock$/m);
    expect(r.stdout).toMatch(/^FAIL {2}delete the probe version: ALLOWED by the engine$/m);
    expect(r.stdout).toMatch(/^FAIL {2}the probe version still holds its bytes under its lock: bytes GONE/m);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^NOT WORM: s3:\/\/plain-bucket/);
  });

  test('bad input and unreachable or refusing endpoints: one line, exit 2', async () => {
    expectOneLineError(await runCli('store', 'check-worm', '--bucket', 'b', ...creds), /--endpoint URL is required/);
    expectOneLineError(await runCli('store', 'check-worm', '--endpoint', 'not a url', '--bucket', 'bucket', ...creds), /not a URL/);
    expectOneLineError(await runCli('store', 'check-worm', '--endpoint', server.endpoint, '--bucket', 'Bad_Name', ...creds), /not an S3 bucket name/);
    expectOneLineError(await runCli('store', 'check-worm', '--endpoint', server.endpoint, '--bucket', 'locked-evidence', ...creds, '--retain', '0'), /--retain must be whole seconds/);
    expectOneLineError(await runCli('store', 'check-worm', '--endpoint', server.endpoint, '--bucket', 'no-such-bucket', ...creds), /no bucket "no-such-bucket"/);
    expectOneLineError(await runCli('store', 'check-worm', '--endpoint', server.endpoint, '--bucket', 'locked-evidence', '--access-key', 'nobody', '--secret-key', 'wrong-secret'), /refused the credentials/);
    expectOneLineError(await runCli('store', 'check-worm', '--endpoint', `http://127.0.0.1:${await deadPort()}`, '--bucket', 'locked-evidence', ...creds), /cannot reach/);
  });
});
