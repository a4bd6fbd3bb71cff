// The service as a bureau runs it (docs/SERVICE.md "On the bureau's engines"): evidence in an
// S3 bucket with Object Lock in compliance mode, the index in PostgreSQL, both named by a
// JSON configuration file. Secrets stay out of the file: the S3 credentials come from
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the database password from PGPASSWORD.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { generateContentKeyPair, publicKeyPathOf, readContentKeyFile } from '../crypto/store-key';
import { writeNewFileSynced } from '../store/durable';
import { S3EvidenceStore } from '../store/s3-store';
import { s3Client } from '../store/s3-client';
import { PgDb } from '../store/sql/pg-db';
import { s3Source } from './s3-source';
import { openService, type Service } from './service';

export interface BureauConfig {
  /** Local directory of the service's own (its note-signing secret, the copies it makes). */
  data: string;
  s3: { endpoint: string; bucket: string; region?: string; retentionDays?: number };
  /** The store's private key (PKCS#8 PEM file); it is never put in the bucket. */
  storeKey: string;
  /**
   * The content key units encrypt to (FORMAT §7a), PKCS#8 PEM, mode 0600, never in the
   * bucket; its public key beside it (NAME.pub.pem). `--init` makes the pair if absent.
   */
  contentKey?: string;
  postgres: { host: string; port?: number; database: string; user: string };
}

export class BureauConfigError extends Error {}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Checks a configuration file's text; the first thing wrong is the error. */
export function parseBureauConfig(text: string, where: string): BureauConfig {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new BureauConfigError(`${where}: not JSON: ${(e as Error).message}`);
  }
  const fail = (what: string) => {
    throw new BureauConfigError(`${where}: ${what}`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('must be a JSON object');
  const s3 = v.s3 as Record<string, unknown> | undefined;
  const pg = v.postgres as Record<string, unknown> | undefined;
  if (!isText(v.data)) fail('"data" must name a local directory');
  if (!isText(v.storeKey)) fail('"storeKey" must name the store key PEM file');
  if (v.contentKey !== undefined && !isText(v.contentKey)) fail('"contentKey" must name the content key PEM file');
  if (typeof s3 !== 'object' || s3 === null) fail('"s3" must be an object with endpoint and bucket');
  if (!isText(s3!.endpoint) || !/^https?:\/\/./.test(s3!.endpoint)) fail('"s3.endpoint" must be an http(s):// URL');
  if (!isText(s3!.bucket) || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s3!.bucket)) fail('"s3.bucket" must be an S3 bucket name');
  if (s3!.region !== undefined && !isText(s3!.region)) fail('"s3.region" must be text');
  if (s3!.retentionDays !== undefined && !(Number.isInteger(s3!.retentionDays) && (s3!.retentionDays as number) >= 1)) fail('"s3.retentionDays" must be a whole number of days ≥ 1');
  if (typeof pg !== 'object' || pg === null) fail('"postgres" must be an object with host, database and user');
  if (!isText(pg!.host) || !isText(pg!.database) || !isText(pg!.user)) fail('"postgres" needs host (or socket directory), database and user');
  if (pg!.port !== undefined && !(Number.isInteger(pg!.port) && (pg!.port as number) > 0 && (pg!.port as number) < 65536)) fail('"postgres.port" must be a port number');
  return v as unknown as BureauConfig;
}

export function readBureauConfig(path: string): BureauConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BureauConfigError(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseBureauConfig(text, path);
}

export interface BureauOptions {
  now?: () => number;
  /** Make the store: create the bucket (with Object Lock) and its manifest under this id. */
  init?: string;
  /** Credentials; the environment's by default. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export async function openBureau(c: BureauConfig, o: BureauOptions = {}): Promise<Service> {
  const now = o.now ?? Date.now;
  const accessKeyId = o.credentials?.accessKeyId ?? process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = o.credentials?.secretAccessKey ?? process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new BureauConfigError('S3 credentials needed: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  let pem: string;
  try {
    pem = readFileSync(c.storeKey, 'utf8');
  } catch (e) {
    throw new BureauConfigError(`${c.storeKey}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (o.init !== undefined && c.contentKey !== undefined && !existsSync(c.contentKey)) {
    const pair = generateContentKeyPair();
    writeNewFileSynced(c.contentKey, new TextEncoder().encode(pair.privatePem), 0o600);
    writeNewFileSynced(publicKeyPathOf(c.contentKey), new TextEncoder().encode(pair.publicPem), 0o644);
  }
  let contentKey;
  try {
    contentKey = c.contentKey === undefined ? undefined : readContentKeyFile(c.contentKey);
  } catch (e) {
    throw new BureauConfigError((e as Error).message);
  }
  if (c.contentKey !== undefined && !contentKey) throw new BureauConfigError(`${c.contentKey}: no such content key file (made by --init)`);
  const s3 = s3Client({ endpoint: c.s3.endpoint, region: c.s3.region, accessKeyId, secretAccessKey });
  const options = { now, retentionDays: c.s3.retentionDays };
  let db: PgDb | undefined;
  try {
    const objects = o.init === undefined ? await S3EvidenceStore.open(s3, c.s3.bucket, pem, options) : await S3EvidenceStore.create(s3, c.s3.bucket, o.init, pem, options);
    db = await PgDb.connect({ host: c.postgres.host, port: c.postgres.port, database: c.postgres.database, user: c.postgres.user });
    mkdirSync(c.data, { recursive: true, mode: 0o700 });
    return await openService({ backend: objects, source: s3Source(objects), db, dataDir: c.data, now, release: () => s3.destroy(), ...(contentKey ? { contentKey } : {}) });
  } catch (e) {
    s3.destroy();
    await db?.close().catch(() => undefined);
    throw e;
  }
}
