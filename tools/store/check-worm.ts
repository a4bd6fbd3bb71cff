// quancheng store check-worm: does a bureau's S3 bucket really keep evidence? It writes one
// probe object locked in COMPLIANCE mode for a short time, then tries every way of losing
// it that S3 offers an administrator — delete the version, with and without the governance
// bypass; overwrite it; shorten its retention; weaken it to governance and bypass that —
// and reads the probe back. The bucket passes only if the engine refused every attempt and
// the probe's version still holds its bytes under the same lock.
import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface WormAttempt {
  /** What was tried, in words. */
  attempt: string;
  /** True when the engine did what a WORM store must: kept the probe locked, refused the attempt. */
  pass: boolean;
  /** The engine's answer: an error name and HTTP status, or what it did. */
  answer: string;
}

export interface WormCheck {
  ok: boolean;
  key: string;
  version?: string;
  attempts: WormAttempt[];
}

function answerOf(e: unknown): string {
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return `${(e as Error).name ?? 'error'}${status ? ` (HTTP ${status})` : ''}`;
}

/** Network-level failures: the endpoint is not an S3 service we can talk to at all. */
export function isUnreachable(e: unknown): boolean {
  return unreachableCode(e) !== undefined;
}

const NET_CODES = /\b(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ETIMEDOUT|EAI_AGAIN)\b/;

/** The socket error code behind a failure (the SDK wraps it, in code, cause or message), or undefined. */
export function unreachableCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; cause?: { code?: unknown }; message?: unknown; $metadata?: { httpStatusCode?: number } };
  if (err?.$metadata?.httpStatusCode !== undefined) return undefined;
  for (const c of [err?.code, err?.cause?.code, err?.message]) {
    const m = typeof c === 'string' ? NET_CODES.exec(c) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** Runs the probe; retentionSeconds is how long the probe stays locked (it cannot be removed before). */
export async function checkWorm(s3: S3Client, bucket: string, retentionSeconds: number, now: () => number = Date.now): Promise<WormCheck> {
  const key = `quancheng-worm-probe/${new Date(now()).toISOString().replace(/[:.]/g, '')}-${randomBytes(4).toString('hex')}`;
  const body = new TextEncoder().encode(`quancheng WORM probe ${key}\n`);
  const until = new Date(Math.ceil((now() + retentionSeconds * 1000) / 1000) * 1000);
  const sooner = new Date(until.getTime() - Math.max(1, Math.floor(retentionSeconds / 2)) * 1000);
  const attempts: WormAttempt[] = [];

  let version: string | undefined;
  try {
    const r = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfNoneMatch: '*', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until }));
    version = r.VersionId;
    attempts.push({ attempt: `write the probe locked in COMPLIANCE mode until ${until.toISOString()}`, pass: true, answer: `written, version ${version ?? '(none)'}` });
  } catch (e) {
    if (isUnreachable(e)) throw e;
    attempts.push({ attempt: `write the probe locked in COMPLIANCE mode until ${until.toISOString()}`, pass: false, answer: `${answerOf(e)}: the bucket does not take Object Lock` });
    // Go on with an unlocked probe: what follows shows what such a bucket lets anyone do.
    const r = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    version = r.VersionId;
  }
  // Without a version id there is no version to hold: a bucket without versioning keeps nothing.
  const held = await readBack(s3, bucket, key, version, body);
  if (!version) attempts.push({ attempt: 'the probe has a version id (versioning, which Object Lock needs)', pass: false, answer: 'no version id: the bucket keeps no versions' });

  const tryIt = async (attempt: string, run: () => Promise<unknown>) => {
    try {
      await run();
      attempts.push({ attempt, pass: false, answer: 'ALLOWED by the engine' });
    } catch (e) {
      if (isUnreachable(e)) throw e;
      attempts.push({ attempt, pass: true, answer: `refused: ${answerOf(e)}` });
    }
  };
  await tryIt('delete the probe version', () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: version })));
  await tryIt('delete the probe version with BypassGovernanceRetention', () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: version, BypassGovernanceRetention: true })));
  await tryIt('overwrite the probe (If-None-Match: *)', () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: new TextEncoder().encode('overwritten\n'), IfNoneMatch: '*' })));
  await tryIt(`shorten the retention to ${sooner.toISOString()}`, () =>
    s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: version, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: sooner } })),
  );
  await tryIt('weaken the lock to GOVERNANCE with BypassGovernanceRetention', () =>
    s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: version, BypassGovernanceRetention: true, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: sooner } })),
  );

  // After all that, the probe's version must read back unchanged and still be locked as written.
  const after = await readBack(s3, bucket, key, version, body);
  let lock = 'no retention';
  try {
    const r = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: version }));
    lock = `${r.Retention?.Mode ?? 'none'} until ${r.Retention?.RetainUntilDate?.toISOString() ?? 'never'}`;
  } catch (e) {
    if (isUnreachable(e)) throw e;
    lock = `no retention (${answerOf(e)})`;
  }
  const intact = held && after && lock === `COMPLIANCE until ${until.toISOString()}`;
  attempts.push({ attempt: 'the probe version still holds its bytes under its lock', pass: intact, answer: `${after ? 'bytes unchanged' : 'bytes GONE or changed'}, ${lock}` });
  return { ok: attempts.every((a) => a.pass), key, version, attempts };
}

async function readBack(s3: S3Client, bucket: string, key: string, version: string | undefined, body: Uint8Array): Promise<boolean> {
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: version }));
    const got = await r.Body!.transformToByteArray();
    return Buffer.from(got).equals(Buffer.from(body));
  } catch (e) {
    if (isUnreachable(e)) throw e;
    return false;
  }
}
