// The designated store on an S3 bucket with Object Lock (a bureau's WORM store, issue 15).
// Every object is written once, with If-None-Match: * (the engine refuses a second write of
// a key) and a COMPLIANCE retention (the engine refuses its deletion, even by an
// administrator, until the retention ends). Layout in the bucket:
//   quancheng-store.json                 the store id and public key (as DirectoryStore's manifest)
//   objects/ab/cdef….qce                 entry files, named by their SHA-256
//   devices/<id>/<seq, 10 digits>.json   the held chain, one index object per accepted batch, named
//                                        by its first seq: a line (IndexLine + object version) per entry
//   devices/<id>/receipts/<name>.qcr     every receipt issued
// The position is rebuilt from the bucket alone: the index objects of a device in order, each
// read at its first (oldest) version, so a later version someone slipped under the same key
// never counts. The store's private key is not in the bucket: the caller keeps it (a PEM file).
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  GetObjectRetentionCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { fromHex, parseEntry, toHex, type SignatureChecker } from '../../firmware/core/evidence';
import { decodeSignedReceipt, encodeReceiptDocument, encodeSignedReceipt, type ReceiptBody } from '../../firmware/core/maintenance/receipt';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { announcedKey } from './announced-key';
import { batchOf, type AcceptResult, type EvidenceStoreBackend, type OffloadEntry, type StoreIdentity, type StorePosition } from './backend';
import { BatchPlanner, planBatch, sha256Hex, type HeldChain } from './continuity';
import { encodeIndexLine, type IndexLine } from './device-index';
import { receiptName } from './directory-store';
import { StoreError, StoreRefusal } from './errors';
import { checkStoreId, encodeManifest, MANIFEST_FILE, parseManifest } from './manifest';
import { ObjectStore } from './objects';
import { parseStoreKey, signWithStoreKey, type StoreKey } from './store-key';

/** Art. 15: kept as long as the case file. A bureau sets its own term; this is the default. */
export const DEFAULT_RETENTION_DAYS = 3650;
const DAY_MS = 86_400_000;
/** Objects written at once in one batch: enough to fill the link, few enough for any engine. */
const PUTS_IN_FLIGHT = 4;

/** A line of an index object: the index line, and the version of the entry object it names. */
export interface HeldLine extends IndexLine {
  /** The S3 version id of the entry object as this store wrote (or found) it. */
  version: string;
}

export interface S3StoreOptions {
  /** The clock for received times and retention, ms since 1970 (tests inject one). */
  now?: () => number;
  checker?: SignatureChecker;
  /** Compliance retention of every object, from the time it is written. */
  retentionDays?: number;
}

/** The index object of a device's batch that starts at entry seq. */
export function indexKey(deviceId: string, seq: number): string {
  return `devices/${deviceId}/${String(seq).padStart(10, '0')}.json`;
}

const INDEX_KEY = /^devices\/[^/]+\/(\d{10})\.json$/;

export class S3EvidenceStore implements EvidenceStoreBackend {
  readonly #id: string;
  readonly #key: StoreKey;
  readonly #now: () => number;
  readonly #checker: SignatureChecker;
  readonly #retentionMs: number;
  /** The held chain of each device as last read or written (one writer at a time). */
  readonly #held = new Map<string, HeldLine[]>();
  readonly #deviceKeys = new Map<string, Uint8Array>();

  private constructor(
    readonly s3: S3Client,
    readonly bucket: string,
    id: string,
    key: StoreKey,
    options: S3StoreOptions,
  ) {
    this.#id = id;
    this.#key = key;
    this.#now = options.now ?? Date.now;
    this.#checker = options.checker ?? nodeChecker;
    const days = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    if (!Number.isInteger(days) || days < 1) throw new RangeError(`retention must be a whole number of days ≥ 1: ${days}`);
    this.#retentionMs = days * DAY_MS;
  }

  /**
   * Makes a new store: the bucket, created with Object Lock (an existing bucket must already
   * have it, and no manifest), and its manifest. keyPem is the store's private key (PKCS#8 PEM).
   */
  static async create(s3: S3Client, bucket: string, id: string, keyPem: string, options: S3StoreOptions = {}): Promise<S3EvidenceStore> {
    try {
      checkStoreId(id);
    } catch (e) {
      throw new StoreError((e as Error).message);
    }
    const key = parseStoreKey(keyPem, 'store key');
    let exists = true;
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (e) {
      if (status(e) !== 404) throw e;
      exists = false;
    }
    if (!exists) await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    const store = new S3EvidenceStore(s3, bucket, id, key, options);
    const written = await store.#putOnce(MANIFEST_FILE, new TextEncoder().encode(encodeManifest(id, key.publicKey)), 'application/json');
    if (!written) throw new StoreError(`s3://${bucket}: already holds a store (${MANIFEST_FILE})`);
    return store;
  }

  /** Opens a store: its manifest (first version) must name the public key of keyPem. */
  static async open(s3: S3Client, bucket: string, keyPem: string, options: S3StoreOptions = {}): Promise<S3EvidenceStore> {
    const key = parseStoreKey(keyPem, 'store key');
    const text = await readFirstVersion(s3, bucket, MANIFEST_FILE);
    if (text === undefined) throw new StoreError(`s3://${bucket}: not a quancheng store (no ${MANIFEST_FILE})`);
    const manifest = parseManifest(new TextDecoder().decode(text), `s3://${bucket}/${MANIFEST_FILE}`);
    if (toHex(key.publicKey) !== toHex(manifest.publicKey)) throw new StoreError(`the store key does not match the public key in s3://${bucket}/${MANIFEST_FILE}`);
    return new S3EvidenceStore(s3, bucket, manifest.id, key, options);
  }

  identity(): StoreIdentity {
    return { id: this.#id, publicKey: this.#key.publicKey.slice() };
  }

  async position(deviceId: string): Promise<StorePosition | undefined> {
    return positionOf(await this.held(deviceId));
  }

  /** The devices the bucket holds entries of (a prefix under devices/ each). */
  async devices(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'devices/', Delimiter: '/', ContinuationToken: token }));
      for (const p of r.CommonPrefixes ?? []) {
        const id = /^devices\/([A-Za-z0-9._-]+)\/$/.exec(p.Prefix ?? '')?.[1];
        if (id) ids.push(id);
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return ids.sort();
  }

  /** The held chain of a device, rebuilt from its index objects (cached after the first read). */
  async held(deviceId: string): Promise<HeldLine[]> {
    let lines = this.#held.get(deviceId);
    if (!lines) {
      lines = await this.rebuild(deviceId);
      this.#held.set(deviceId, lines);
    }
    return lines;
  }

  /**
   * Reads a device's held chain from the bucket alone: its index objects in seq order, each at
   * its first version, each continuing the chain where the one before ended.
   */
  async rebuild(deviceId: string): Promise<HeldLine[]> {
    if (!/^[A-Za-z0-9._-]+$/.test(deviceId)) return [];
    const prefix = `devices/${deviceId}/`;
    const first = await firstVersions(this.s3, this.bucket, prefix);
    const keys = [...first.keys()].filter((k) => INDEX_KEY.test(k)).sort();
    const lines: HeldLine[] = [];
    for (const k of keys) {
      const start = Number(INDEX_KEY.exec(k)![1]);
      // The store names each batch's index object by the seq after the chain it held: one
      // starting inside what is held is not its own (first write wins); past a hole (a later
      // object, slipped in or left by an older layout's cut) nothing is held yet.
      if (start < lines.length) continue;
      if (start > lines.length) break;
      const bytes = await getObject(this.s3, this.bucket, k, first.get(k));
      lines.push(...parseHeldLines(new TextDecoder().decode(bytes), start, `s3://${this.bucket}/${k}`));
    }
    return lines;
  }

  accept(deviceId: string, entries: readonly OffloadEntry[]): Promise<AcceptResult> {
    return this.acceptStream(deviceId, batchOf(entries));
  }

  async acceptStream(deviceId: string, entries: AsyncIterable<OffloadEntry>): Promise<AcceptResult> {
    const lines = await this.held(deviceId);
    const last = lines[lines.length - 1];
    // The device key is read before planning (the planner asks for it synchronously).
    const deviceKey = last ? await this.#deviceKey(deviceId, lines[0]) : undefined;
    const heldChain: HeldChain = {
      through: last && { seq: last.seq, link: fromHex(last.link) },
      sha256Of: (seq) => lines[seq].sha256,
      deviceKey: () => deviceKey!,
    };
    // Each entry object as soon as its entry is checked, 4 at a time, while the rest of the
    // batch arrives; the batch's one index object, which names them all, only once the whole
    // batch is checked and its entry objects written. A refused or cut batch so leaves at most
    // unnamed entry objects, which the rebuild does not count and the re-sent batch finds again.
    const planner = new BatchPlanner(deviceId, heldChain, this.#checker);
    const sent: OffloadEntry[] = [];
    const versions = new Map<number, Promise<string>>();
    const inFlight = new Set<Promise<void>>();
    let refused: unknown;
    try {
      for await (const e of entries) {
        sent.push(e);
        if (refused) continue; // read to the end, for the refusal planBatch words over the whole batch
        let checked;
        try {
          checked = planner.add(e);
        } catch (err) {
          refused = err;
          continue;
        }
        if (!checked) continue;
        while (inFlight.size >= PUTS_IN_FLIGHT) await Promise.race(inFlight);
        const put = this.#putEntryObject(checked.sha256, checked.bytes);
        versions.set(checked.seq, put);
        const settled: Promise<void> = put.then(
          () => void inFlight.delete(settled),
          () => void inFlight.delete(settled),
        );
        inFlight.add(settled);
      }
    } catch (e) {
      await Promise.allSettled(versions.values());
      throw e;
    }
    // Nothing is thrown while an entry object is still being written.
    if (refused) {
      await Promise.allSettled(versions.values());
      if (refused instanceof StoreRefusal) planBatch(deviceId, heldChain, sent, this.#checker);
      throw refused;
    }
    let plan;
    try {
      plan = planner.plan();
    } catch (e) {
      await Promise.allSettled(versions.values());
      throw e;
    }
    if (lines.length === 0 && plan.added.length === 0) throw new StoreRefusal('unknown-device', null, `an empty batch, and the store holds no entries of ${JSON.stringify(deviceId)}`);
    if (plan.added.length > 0) {
      const received = this.#now();
      // The planner's added entries are exactly those with an entry object in flight: all settle before a failure is thrown.
      const written = await Promise.allSettled(plan.added.map((e) => versions.get(e.seq)!));
      const failed = written.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const batch = plan.added.map((e, i): HeldLine => ({ seq: e.seq, sha256: e.sha256, link: toHex(e.link), bytes: e.bytes.length, received, version: (written[i] as PromiseFulfilledResult<string>).value }));
      lines.push(...(await this.#putIndexObjects(deviceId, batch)));
    }
    return { deviceId, added: plan.added.length, resent: plan.resent, position: positionOf(lines)! };
  }

  async receipt(deviceId: string, time: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`receipt time must be ms since 1970: ${time}`);
    const pos = await this.position(deviceId);
    if (!pos) throw new StoreRefusal('unknown-device', null, `the store holds no entries of ${JSON.stringify(deviceId)}`);
    const body: ReceiptBody = { store: this.#id, deviceId, throughSeq: pos.throughSeq, throughLink: pos.throughLink, entries: pos.entries, bytes: pos.bytes, time };
    const document = encodeReceiptDocument(body);
    const signed = encodeSignedReceipt(document, signWithStoreKey(this.#key, document));
    const key = `devices/${deviceId}/receipts/${receiptName(pos.throughSeq, time)}`;
    if (await this.#putOnce(key, signed, 'application/octet-stream')) return signed;
    // Asked again: the receipt already issued, as DirectoryStore does.
    const kept = (await readFirstVersion(this.s3, this.bucket, key))!;
    let same = false;
    try {
      same = toHex(decodeSignedReceipt(kept).document) === toHex(document);
    } catch {
      // reported below
    }
    if (!same) throw new StoreError(`s3://${this.bucket}/${key}: a different receipt is already kept under this name`);
    return kept;
  }

  /** An entry file the store holds, read at the version its index object names, checked against its name. */
  async read(line: HeldLine): Promise<Uint8Array> {
    const key = ObjectStore.relPath(line.sha256);
    const bytes = await getObject(this.s3, this.bucket, key, line.version);
    if (sha256Hex(bytes) !== line.sha256) throw new StoreError(`s3://${this.bucket}/${key} (version ${line.version}): bytes do not match the name`);
    return bytes;
  }

  /**
   * Legal hold (a case under review): on, the engine keeps the device's held entry objects
   * past their retention until it is turned off. Applies to entries from..through (default all).
   */
  async legalHold(deviceId: string, on: boolean, from = 0, through = Number.MAX_SAFE_INTEGER): Promise<number> {
    let n = 0;
    for (const l of await this.held(deviceId)) {
      if (l.seq < from || l.seq > through) continue;
      await this.s3.send(new PutObjectLegalHoldCommand({ Bucket: this.bucket, Key: ObjectStore.relPath(l.sha256), VersionId: l.version, LegalHold: { Status: on ? 'ON' : 'OFF' } }));
      n++;
    }
    return n;
  }

  /**
   * A case's retention (art. 15: kept as long as the case file): the device's held entry
   * objects from..through stay locked in compliance mode at least until `until` (ms). Only
   * ever extends: an object already locked longer keeps its date (the engine refuses
   * shortening a compliance lock anyway). Returns how many objects it extended.
   */
  async retainUntil(deviceId: string, until: number, from = 0, through = Number.MAX_SAFE_INTEGER): Promise<number> {
    let n = 0;
    for (const l of await this.held(deviceId)) {
      if (l.seq < from || l.seq > through) continue;
      const Key = ObjectStore.relPath(l.sha256);
      const now = await this.s3.send(new GetObjectRetentionCommand({ Bucket: this.bucket, Key, VersionId: l.version }));
      if ((now.Retention?.RetainUntilDate?.getTime() ?? 0) >= until) continue;
      await this.s3.send(new PutObjectRetentionCommand({ Bucket: this.bucket, Key, VersionId: l.version, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(until) } }));
      n++;
    }
    return n;
  }

  /**
   * Writes the index object of a batch once, at the seq it starts from. One already there is
   * an earlier write of the batch's first entries whose answer was lost: taken when it names
   * the same entries, and the rest written after it. Any other is another writer's, and the
   * offload must be sent again.
   */
  async #putIndexObjects(deviceId: string, batch: readonly HeldLine[]): Promise<HeldLine[]> {
    const held: HeldLine[] = [];
    let rest = batch;
    while (rest.length > 0) {
      const key = indexKey(deviceId, rest[0].seq);
      if (await this.#putOnce(key, new TextEncoder().encode(rest.map(encodeHeldLine).join('')), 'application/json')) return held.concat(rest);
      const text = await readFirstVersion(this.s3, this.bucket, key);
      let found: HeldLine[] | undefined;
      try {
        found = parseHeldLines(new TextDecoder().decode(text!), rest[0].seq, `s3://${this.bucket}/${key}`);
      } catch {
        found = undefined;
      }
      const same = (f: HeldLine, i: number) => i < rest.length && f.sha256 === rest[i].sha256 && f.link === rest[i].link && f.bytes === rest[i].bytes;
      if (!found?.every(same)) {
        this.#held.delete(deviceId);
        throw new StoreError(`s3://${this.bucket}/${key}: written meanwhile by another writer; offload again`);
      }
      held.push(...found);
      rest = rest.slice(found.length);
    }
    return held;
  }

  /** Writes an entry object once; one already there (a resumed offload, the same bytes) is reused. */
  async #putEntryObject(sha256: string, bytes: Uint8Array): Promise<string> {
    const key = ObjectStore.relPath(sha256);
    const version = await this.#putOnce(key, bytes, 'application/octet-stream', sha256);
    if (version) return version;
    const first = (await firstVersions(this.s3, this.bucket, key)).get(key);
    if (!first) throw new StoreError(`s3://${this.bucket}/${key}: refused as existing, but has no version`);
    const held = await getObject(this.s3, this.bucket, key, first);
    if (sha256Hex(held) !== sha256) throw new StoreError(`s3://${this.bucket}/${key}: held bytes do not match the name`);
    return first;
  }

  /**
   * PutObject if the key does not exist, locked in compliance mode; its version id, or
   * undefined when the key existed. sha256 (hex), when the caller already hashed the body, is
   * sent as the object's signed SHA-256 checksum (which Object Lock puts need on AWS, and the
   * engine keeps), with an unsigned payload: neither the client nor the engine hashes the
   * body twice, and the engine refuses bytes that do not match it.
   */
  async #putOnce(key: string, body: Uint8Array, contentType: string, sha256?: string): Promise<string | undefined> {
    const input: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      IfNoneMatch: '*',
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date(this.#now() + this.#retentionMs),
    };
    const put = sha256 ? checksummedPut(input, sha256) : new PutObjectCommand(input);
    try {
      const r = await this.s3.send(put);
      if (!r.VersionId) throw new StoreError(`s3://${this.bucket}: wrote ${key} without a version id: the bucket has no versioning and Object Lock`);
      return r.VersionId;
    } catch (e) {
      if (status(e) === 412) return undefined;
      throw e;
    }
  }

  async #deviceKey(deviceId: string, first: HeldLine): Promise<Uint8Array> {
    const cacheKey = `${deviceId}/${first.sha256}`;
    let key = this.#deviceKeys.get(cacheKey);
    if (!key) {
      try {
        key = announcedKey(parseEntry(await this.read(first)));
      } catch (e) {
        if (e instanceof StoreError) throw e;
        key = undefined;
      }
      if (!key) throw new StoreError(`held entry 0 of ${deviceId} announces no device key`);
      this.#deviceKeys.set(cacheKey, key);
    }
    return key;
  }
}

/**
 * A PutObject whose body carries its SHA-256 (hex) as x-amz-checksum-sha256, sent with
 * x-amz-content-sha256: UNSIGNED-PAYLOAD. The signature covers the checksum header, and the
 * engine hashes the body once to check it (as AWS SDKs upload over TLS); a signed payload
 * hash as well would make the engine hash every entry twice, and the SDK hash it again here.
 */
export function checksummedPut(input: PutObjectCommandInput, sha256: string): PutObjectCommand {
  const put = new PutObjectCommand({ ...input, ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64') });
  put.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    },
    { step: 'build', name: 'quanchengUnsignedPayload' },
  );
  return put;
}

function status(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** The oldest version id of every key under prefix (S3 lists each key's versions newest first). */
async function firstVersions(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, string>> {
  const oldest = new Map<string, { version: string; at: number }>();
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    for (const v of r.Versions ?? []) {
      if (!v.Key || !v.VersionId) continue;
      const at = v.LastModified?.getTime() ?? 0;
      const seen = oldest.get(v.Key);
      // Listed newest first: a later one in the list is older; LastModified breaks no ties here.
      if (!seen || at <= seen.at) oldest.set(v.Key, { version: v.VersionId, at });
    }
    if (!r.IsTruncated) break;
    keyMarker = r.NextKeyMarker;
    versionMarker = r.NextVersionIdMarker;
  }
  return new Map([...oldest].map(([k, v]) => [k, v.version]));
}

async function getObject(s3: S3Client, bucket: string, key: string, version?: string): Promise<Uint8Array> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: version }));
  return r.Body!.transformToByteArray();
}

async function readFirstVersion(s3: S3Client, bucket: string, key: string): Promise<Uint8Array | undefined> {
  const version = (await firstVersions(s3, bucket, key)).get(key);
  return version === undefined ? undefined : getObject(s3, bucket, key, version);
}

function encodeHeldLine(l: HeldLine): string {
  return JSON.stringify({ ...JSON.parse(encodeIndexLine(l)), version: l.version }) + '\n';
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The lines of an index object, one per entry from firstSeq on, each continuing the one before. */
function parseHeldLines(text: string, firstSeq: number, where: string): HeldLine[] {
  const rows = text.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  if (rows.length === 0) throw new StoreError(`${where}: no lines`);
  return rows.map((row, i) => parseHeldLine(row, firstSeq + i, rows.length > 1 ? `${where} line ${i + 1}` : where));
}

function parseHeldLine(text: string, expectSeq: number, where: string): HeldLine {
  let v: Partial<HeldLine>;
  try {
    v = JSON.parse(text);
  } catch {
    throw new StoreError(`${where}: not JSON`);
  }
  const ok =
    v !== null &&
    typeof v === 'object' &&
    v.seq === expectSeq &&
    typeof v.sha256 === 'string' &&
    HEX64.test(v.sha256) &&
    typeof v.link === 'string' &&
    HEX64.test(v.link) &&
    Number.isSafeInteger(v.bytes) &&
    v.bytes! > 0 &&
    Number.isSafeInteger(v.received) &&
    typeof v.version === 'string' &&
    v.version.length > 0;
  if (!ok) throw new StoreError(`${where}: ${v?.seq !== expectSeq ? `expected entry ${expectSeq}` : 'bad fields'}`);
  return { seq: v.seq!, sha256: v.sha256!, link: v.link!, bytes: v.bytes!, received: v.received!, version: v.version! };
}

function positionOf(lines: readonly IndexLine[]): StorePosition | undefined {
  const last = lines[lines.length - 1];
  if (!last) return undefined;
  let bytes = 0;
  for (const l of lines) bytes += l.bytes;
  return { throughSeq: last.seq, throughLink: fromHex(last.link), entries: lines.length, bytes };
}
