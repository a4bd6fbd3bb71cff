// quancheng store init DIR --id NAME | ls DIR | verify DIR [--device ID] | add DIR PATH [--at TIME]
import { statSync } from 'node:fs';
import { parseEntry, parseEntryName, toHex, type EntryFile } from '../../firmware/core/evidence';
import { parseArgs } from '../args';
import { readEntryDirectory } from '../entry-files';
import { EXIT_OK, EXIT_PROBLEM, UsageError } from '../errors';
import { imageEntryFiles } from '../image';
import type { Io } from '../io';
import { checkDevice } from './check-store';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { checkWorm, isUnreachable, unreachableCode } from './check-worm';
import { DirectoryStore } from './directory-store';
import { StoreError, StoreRefusal } from './errors';
import { s3Client } from './s3-client';

export const storeUsage =
  'quancheng store init DIR --id NAME | ls DIR | verify DIR [--device ID] | add DIR PATH [--at TIME] | check-worm --endpoint URL --bucket NAME [--access-key K --secret-key S] [--retain SECONDS]';

export function runStore(argv: readonly string[], io: Io): number | Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'init':
        return init(rest, io);
      case 'ls':
        return ls(rest, io);
      case 'verify':
        return verify(rest, io);
      case 'add':
        return add(rest, io);
      case 'check-worm':
        return checkWormCommand(rest, io);
      default:
        throw new UsageError(`store: ${sub === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(sub)}`} (${storeUsage})`);
    }
  } catch (e) {
    // A store that is not one, or damaged, is bad input: one line, exit 2.
    if (e instanceof StoreError) throw new UsageError(`store ${sub}: ${e.message}`);
    throw e;
  }
}

function init(argv: readonly string[], io: Io): number {
  const args = parseArgs('store init', argv, { values: ['id'], positionals: ['DIR'] });
  const id = args.values.get('id');
  if (id === undefined) throw new UsageError('store init: --id NAME is required');
  const store = DirectoryStore.create(args.positionals[0], id);
  io.out(toHex(store.identity().publicKey) + '\n');
  return EXIT_OK;
}

function ls(argv: readonly string[], io: Io): number {
  const args = parseArgs('store ls', argv, { positionals: ['DIR'] });
  const store = DirectoryStore.open(args.positionals[0]);
  const id = store.identity();
  const out = [`store ${id.id} key ${toHex(id.publicKey)}`];
  for (const d of store.devices()) {
    const p = store.position(d)!;
    out.push(`${d} through ${p.throughSeq} link ${toHex(p.throughLink)} entries ${p.entries} bytes ${p.bytes} receipts ${store.receipts(d).length}`);
  }
  if (out.length === 1) out.push('(no devices)');
  io.out(out.join('\n') + '\n');
  return EXIT_OK;
}

function verify(argv: readonly string[], io: Io): number {
  const args = parseArgs('store verify', argv, { values: ['device'], positionals: ['DIR'] });
  const store = DirectoryStore.open(args.positionals[0]);
  const only = args.values.get('device');
  if (only !== undefined && !store.devices().includes(only)) throw new UsageError(`store verify: the store holds no device ${JSON.stringify(only)}`);
  const devices = only !== undefined ? [only] : store.devices();
  const out: string[] = [];
  let ok = true;
  for (const d of devices) {
    const c = checkDevice(store, d);
    ok &&= c.ok;
    const span = c.through ? `entries 0-${c.through.seq}, head ${c.through.seq}:${c.through.link}` : 'no entries';
    out.push(`${c.ok ? 'INTACT' : 'NOT INTACT'}: ${d}, ${span}, ${c.receipts} receipt${c.receipts === 1 ? '' : 's'}`);
    for (const p of c.problems) out.push(`  ${p}`);
  }
  if (devices.length === 0) out.push('(no devices)');
  io.out(out.join('\n') + '\n');
  return ok ? EXIT_OK : EXIT_PROBLEM;
}

/** Offloads the sealed entries of an extracted directory or storage image, then issues a receipt. */
function add(argv: readonly string[], io: Io): number {
  const args = parseArgs('store add', argv, { values: ['at'], positionals: ['DIR', 'PATH'] });
  const at = args.values.get('at');
  const time = at === undefined ? Date.now() : Date.parse(at);
  if (Number.isNaN(time) || time < 0 || (at !== undefined && !/[zZ]|[+-]\d\d:\d\d$/.test(at))) throw new UsageError(`store add: --at must be an ISO 8601 time with its offset, got ${JSON.stringify(at)}`);
  const store = DirectoryStore.open(args.positionals[0], { now: () => time });
  const path = args.positionals[1];
  const files = isFile(path) ? imageEntryFiles(path, 'store add') : readEntryDirectory(path);
  const entries = sealedEntries(files);
  if (entries.length === 0) throw new UsageError(`store add: ${path}: no sealed evidence entries`);
  let deviceId: string;
  try {
    deviceId = parseEntry(entries[0].bytes).header.deviceId;
  } catch (e) {
    throw new UsageError(`store add: ${path}: entry ${entries[0].seq} is not readable (${(e as Error).message})`);
  }
  let result;
  try {
    result = store.accept(deviceId, entries);
  } catch (e) {
    if (!(e instanceof StoreRefusal)) throw e;
    io.err(`quancheng store add: ${e.message}\n`);
    return EXIT_PROBLEM;
  }
  const receipt = store.receipt(deviceId, time);
  const p = result.position;
  io.out(`accepted ${result.added} new entr${result.added === 1 ? 'y' : 'ies'} (${result.resent} already held) of ${deviceId}; the store holds 0-${p.throughSeq}, link ${toHex(p.throughLink)}; receipt ${receipt.length} bytes\n`);
  return EXIT_OK;
}

/** Sealed entries by the seq their file names give, ascending. */
function sealedEntries(files: readonly EntryFile[]): { seq: number; bytes: Uint8Array }[] {
  const out: { seq: number; bytes: Uint8Array }[] = [];
  for (const f of files) {
    const name = parseEntryName(f.path);
    if (name?.sealed) out.push({ seq: name.seq, bytes: f.bytes });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Tells a bureau whether its S3 bucket keeps locked evidence: every attempt to lose a
 * COMPLIANCE-locked probe must be refused by the engine. Credentials from the flags or
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. 0 WORM, 1 not, 2 bad input or unreachable.
 */
async function checkWormCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs('store check-worm', argv, { values: ['endpoint', 'bucket', 'access-key', 'secret-key', 'retain'], positionals: [] });
  const endpoint = args.values.get('endpoint');
  const bucket = args.values.get('bucket');
  if (endpoint === undefined) throw new UsageError('store check-worm: --endpoint URL is required');
  if (bucket === undefined) throw new UsageError('store check-worm: --bucket NAME is required');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`store check-worm: --endpoint is not a URL: ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`store check-worm: --endpoint must be http(s)://…, got ${JSON.stringify(endpoint)}`);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new UsageError(`store check-worm: not an S3 bucket name: ${JSON.stringify(bucket)}`);
  const accessKeyId = args.values.get('access-key') ?? process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = args.values.get('secret-key') ?? process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new UsageError('store check-worm: credentials needed: --access-key and --secret-key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  const retainText = args.values.get('retain') ?? '60';
  const retain = Number(retainText);
  if (!/^\d+$/.test(retainText) || retain < 2 || retain > 86_400) throw new UsageError(`store check-worm: --retain must be whole seconds from 2 to 86400, got ${JSON.stringify(retainText)}`);
  const s3 = s3Client({ endpoint, accessKeyId, secretAccessKey });
  try {
    // The bucket first: some engines create a missing bucket on the first write (without a lock).
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) throw new UsageError(`store check-worm: no bucket ${JSON.stringify(bucket)} at ${endpoint}`);
      // A HEAD answer has no body to name the error: the status says it.
      if (status === 403) throw new UsageError(`store check-worm: ${endpoint} refused the credentials for bucket ${JSON.stringify(bucket)} (HTTP 403)`);
      throw e;
    }
    const check = await checkWorm(s3, bucket, retain);
    const out = [`probe s3://${bucket}/${check.key}${check.version ? ` version ${check.version}` : ''}`];
    for (const a of check.attempts) out.push(`${a.pass ? 'PASS' : 'FAIL'}  ${a.attempt}: ${a.answer}`);
    out.push(check.ok ? `WORM: the engine refused every attempt; s3://${bucket} keeps locked evidence` : `NOT WORM: s3://${bucket} let locked evidence be lost or changed (FAIL above)`);
    io.out(out.join('\n') + '\n');
    return check.ok ? EXIT_OK : EXIT_PROBLEM;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (isUnreachable(e)) throw new UsageError(`store check-worm: cannot reach ${endpoint} (${unreachableCode(e)})`);
    const name = (e as Error).name;
    if (name === 'NoSuchBucket') throw new UsageError(`store check-worm: no bucket ${JSON.stringify(bucket)} at ${endpoint}`);
    if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'AccessDenied') throw new UsageError(`store check-worm: ${endpoint} refused the credentials (${name})`);
    throw new UsageError(`store check-worm: ${endpoint}: ${name}: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    s3.destroy();
  }
}
