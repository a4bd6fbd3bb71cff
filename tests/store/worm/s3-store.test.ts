// S3EvidenceStore on a real SeaweedFS (weed mini on loopback, Object Lock): two simulated
// units offload twice each over the maintenance protocol and their chains continue; the
// engine itself refuses deleting or overwriting what the store wrote; the position rebuilt
// from the bucket alone is what was accepted; a replayed batch adds nothing; refusals match
// DirectoryStore's.
import { generateKeyPairSync } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { parseEntry, toHex } from '../../../firmware/core/evidence';
import { sha256Hex as sha256 } from '../../../tools/store/continuity';
import { offload } from '../../../tools/maintenance/offload';
import { checkReceipt, StoreRefusal, type OffloadEntry } from '../../../tools/store';
import { checksummedPut, indexKey, S3EvidenceStore } from '../../../tools/store/s3-store';
import { ObjectStore } from '../../../tools/store/objects';
import { device, login, provisioning, record, START } from '../../maintenance/fixture';
import { deviceChain, T0 } from '../fixtures';
import { findWeed, startSeaweed, type SeaweedServer } from '../../support/seaweedfs';

const weed = findWeed();
const maybe = weed ? describe : describe.skip;

const newKeyPem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
let buckets = 0;
const bucketName = () => `qc-worm-${process.pid}-${++buckets}`;

/** The S3 error an engine answered with (failing the test if it accepted). */
async function refusedBy(run: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await run;
  } catch (e) {
    return { name: (e as Error).name, status: (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode };
  }
  throw new Error('the engine accepted it');
}

async function refusal(run: Promise<unknown>): Promise<StoreRefusal> {
  try {
    await run;
  } catch (e) {
    if (e instanceof StoreRefusal) return e;
    throw e;
  }
  throw new Error('the batch was accepted');
}

async function bytesAt(s3: S3Client, bucket: string, key: string, version?: string): Promise<string> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: version }));
  return Buffer.from(await r.Body!.transformToByteArray()).toString('hex');
}

maybe('S3EvidenceStore on SeaweedFS with Object Lock', () => {
  let server: SeaweedServer;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startSeaweed(weed!);
    s3 = server.client();
  }, 90_000);
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  test('two units offload twice each over the maintenance protocol: receipts check, chains continue, and the position rebuilds from the bucket alone', async () => {
    const pem = newKeyPem();
    const bucket = bucketName();
    const store = await S3EvidenceStore.create(s3, bucket, 'luoping-evidence', pem, { now: () => START });
    // One unit after the other: two SimDevices driven in turns in one process lose the
    // maintenance link (the same happens with DirectoryStore; a simulator matter).
    const units: { deviceId: string; first: number }[] = [];
    for (const [id, seed] of [['QC-MNT-0001', 1], ['QC-MNT-0002', 2]] as const) {
      const dev = device(provisioning(store.identity().publicKey, { deviceId: id }), seed);
      dev.powerOn();
      dev.runUntil(3000);
      record(dev, 8);
      const { client, deviceId } = await login(dev);
      const first = await offload(client, store, { deviceId, now: () => START + dev.scheduler.now(), reclaim: true });
      expect(first.entries).toBeGreaterThanOrEqual(2);
      dev.runUntil(dev.scheduler.now() + 2000);
      record(dev, 5);
      const second = await offload(client, store, { deviceId, now: () => START + dev.scheduler.now(), reclaim: false });
      client.close();
      // The second offload continues the first: one chain from genesis, no gap.
      expect(second.entries).toBeGreaterThan(0);
      expect(second.throughSeq!).toBeGreaterThan(first.throughSeq!);
      const pos = (await store.position(deviceId))!;
      expect(pos).toMatchObject({ throughSeq: second.throughSeq, entries: second.throughSeq! + 1 });
      units.push({ deviceId, first: first.throughSeq! });
    }
    expect(units.map((u) => u.deviceId)).toEqual(['QC-MNT-0001', 'QC-MNT-0002']);
    // A fresh store object on the same bucket knows only what the objects say.
    const reopened = await S3EvidenceStore.open(s3, bucket, pem);
    for (const { deviceId } of units) {
      expect(await reopened.position(deviceId)).toEqual(await store.position(deviceId));
      expect(await reopened.rebuild(deviceId)).toEqual(await store.held(deviceId));
      const receipt = checkReceipt(await reopened.receipt(deviceId, START + 3_600_000), store.identity().publicKey).body;
      expect(receipt).toMatchObject({ store: 'luoping-evidence', deviceId, throughSeq: (await store.position(deviceId))!.throughSeq });
    }
  });

  test('an index object past a hole (an older layout\'s cut, or slipped in) counts for nothing; the re-sent batch fills the hole and reuses the entry objects', async () => {
    const chain = deviceChain();
    const pem = newKeyPem();
    const bucket = bucketName();
    const store = await S3EvidenceStore.create(s3, bucket, 'county-store-1', pem, { now: () => T0, retentionDays: 30 });
    await store.accept('QC-SAMPLE-01', chain.slice(0, 5));
    // Entry objects 5 and 6 written, and an index object of 6 alone but none from 5.
    const versions: string[] = [];
    for (const e of chain.slice(5, 7)) {
      const r = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: ObjectStore.relPath(sha256(e.bytes)), Body: e.bytes, IfNoneMatch: '*' }));
      versions.push(r.VersionId!);
    }
    const six = { seq: 6, sha256: sha256(chain[6].bytes), link: toHex(parseEntry(chain[6].bytes).seal.link), bytes: chain[6].bytes.length, received: T0, version: versions[1] };
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: indexKey('QC-SAMPLE-01', 6), Body: JSON.stringify(six) + '\n', IfNoneMatch: '*' }));
    const reopened = await S3EvidenceStore.open(s3, bucket, pem, { now: () => T0 });
    expect((await reopened.position('QC-SAMPLE-01'))!.throughSeq).toBe(4);
    expect(await reopened.accept('QC-SAMPLE-01', chain)).toMatchObject({ added: chain.length - 5, resent: 5, position: { throughSeq: chain.length - 1 } });
    const rebuilt = await (await S3EvidenceStore.open(s3, bucket, pem)).rebuild('QC-SAMPLE-01');
    expect(rebuilt).toEqual(await reopened.held('QC-SAMPLE-01'));
    expect(rebuilt[6]).toEqual(six);
    expect(rebuilt[5].version).toBe(versions[0]);
    // The batch's own index object names 5 on; the one of 6 overlaps it and is passed over.
    expect(JSON.parse(Buffer.from(await bytesAt(s3, bucket, indexKey('QC-SAMPLE-01', 5)), 'hex').toString().split('\n')[1])).toEqual(six);
  });

  test('a batch is held whole or not at all: one index object names all its entries, and one whose answer was lost is taken when the batch is sent again', async () => {
    const chain = deviceChain();
    const pem = newKeyPem();
    const bucket = bucketName();
    const store = await S3EvidenceStore.create(s3, bucket, 'county-store-1', pem, { now: () => T0, retentionDays: 30 });
    await store.accept('QC-SAMPLE-01', chain.slice(0, 3));
    const held = await store.held('QC-SAMPLE-01');
    const keys = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'devices/QC-SAMPLE-01/' }))).Contents ?? []).map((o) => o.Key);
    expect(await keys()).toEqual([indexKey('QC-SAMPLE-01', 0)]);
    // Another store object on the bucket, as after a lost answer: it holds 0..2 and writes 3..4
    // while this one still holds 0..2; this one's batch 3..6 takes 3..4 and writes 5..6 after it.
    const other = await S3EvidenceStore.open(s3, bucket, pem, { now: () => T0 + 1 });
    await other.accept('QC-SAMPLE-01', chain.slice(3, 5));
    expect(await store.held('QC-SAMPLE-01')).toEqual(held);
    expect(await store.accept('QC-SAMPLE-01', chain.slice(3, 7))).toMatchObject({ added: 4, position: { throughSeq: 6 } });
    expect(await keys()).toEqual([0, 3, 5].map((n) => indexKey('QC-SAMPLE-01', n)));
    const rebuilt = await (await S3EvidenceStore.open(s3, bucket, pem)).rebuild('QC-SAMPLE-01');
    expect(rebuilt).toEqual(await store.held('QC-SAMPLE-01'));
    expect(rebuilt.map((l) => [l.seq, l.received])).toEqual([[0, T0], [1, T0], [2, T0], [3, T0 + 1], [4, T0 + 1], [5, T0], [6, T0]]);
    // An index object naming other entries at that seq is another writer's: refused, the offload to be sent again.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: indexKey('QC-SAMPLE-01', 7), Body: JSON.stringify({ ...rebuilt[6], seq: 7 }) + '\n', IfNoneMatch: '*' }));
    await expect(store.accept('QC-SAMPLE-01', chain.slice(7))).rejects.toThrow(/written meanwhile by another writer; offload again/);
  });

  test('a batch is checked and written as it arrives: a tampered entry in the middle leaves nothing held, only unnamed objects the re-sent batch finds again', async () => {
    const chain = deviceChain();
    const bucket = bucketName();
    const pem = newKeyPem();
    const store = await S3EvidenceStore.create(s3, bucket, 'county-store-1', pem, { now: () => T0, retentionDays: 30 });
    const tampered = chain.map((e) => ({ seq: e.seq, bytes: e.bytes.slice() }));
    tampered[4].bytes[tampered[4].bytes.length >> 1] ^= 0x01;
    async function* arriving() {
      for (const e of tampered) yield e;
    }
    expect((await refusal(store.acceptStream('QC-SAMPLE-01', arriving()))).reason).toBe('modified');
    expect(await store.position('QC-SAMPLE-01')).toBeUndefined();
    const reopened = await S3EvidenceStore.open(s3, bucket, pem);
    expect(await reopened.rebuild('QC-SAMPLE-01')).toEqual([]);
    // Reordered as it arrives: the refusal is worded over the whole batch, as accept() words it.
    const swapped = [chain[0], chain[2], chain[1]];
    async function* swappedArriving() {
      yield* swapped;
    }
    const streamed = await refusal(store.acceptStream('QC-SAMPLE-01', swappedArriving()));
    const whole = await refusal(store.accept('QC-SAMPLE-01', swapped));
    expect([streamed.reason, streamed.message]).toEqual([whole.reason, whole.message]);
    expect(whole.reason).toBe('reordered');
    const before = await versionCount(s3, bucket);
    expect(await store.accept('QC-SAMPLE-01', chain)).toMatchObject({ added: chain.length, resent: 0 });
    // The prefix written before the refusal is found, not stacked: one index object for the batch, entry objects only for the rest.
    expect(await versionCount(s3, bucket)).toBe(before + 1 + (chain.length - 4));
  });

  describe('one device chain in a bucket', () => {
    const chain = deviceChain();
    const pem = newKeyPem();
    let bucket: string;
    let store: S3EvidenceStore;
    beforeAll(async () => {
      bucket = bucketName();
      store = await S3EvidenceStore.create(s3, bucket, 'county-store-1', pem, { now: () => T0, retentionDays: 30 });
      await store.accept('QC-SAMPLE-01', chain.slice(0, 5));
      await store.accept('QC-SAMPLE-01', chain.slice(5));
    });

    test('every object is written with a COMPLIANCE retention from its received time', async () => {
      const [line] = await store.held('QC-SAMPLE-01');
      const r = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: ObjectStore.relPath(line.sha256), VersionId: line.version }));
      expect(r.Retention?.Mode).toBe('COMPLIANCE');
      expect(r.Retention?.RetainUntilDate?.getTime()).toBe(T0 + 30 * 86_400_000);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: indexKey('QC-SAMPLE-01', 0) }));
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
    });

    test('an entry object carries its SHA-256 (its name) as the checksum the engine verified', async () => {
      for (const line of await store.held('QC-SAMPLE-01')) {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: ObjectStore.relPath(line.sha256), VersionId: line.version, ChecksumMode: 'ENABLED' }));
        expect(head.ChecksumSHA256).toBe(Buffer.from(line.sha256, 'hex').toString('base64'));
      }
    });

    test('an entry sent as the store sends it (unsigned payload, signed SHA-256 checksum) with bytes not matching that checksum is refused by the engine and leaves no object', async () => {
      const bytes = chain[0].bytes;
      const named = sha256(bytes);
      const changed = bytes.slice();
      changed[changed.length - 1] ^= 1;
      const key = `probe/${named}.qce`;
      await expect(s3.send(checksummedPut({ Bucket: bucket, Key: key, Body: changed, IfNoneMatch: '*' }, named))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
      expect((await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }))).Versions ?? []).toEqual([]);
      // The same request with the bytes the checksum names is taken.
      expect((await s3.send(checksummedPut({ Bucket: bucket, Key: key, Body: bytes, IfNoneMatch: '*' }, named))).VersionId).toBeTruthy();
    });

    test('the engine refuses deleting a locked version, even bypassing governance, and shortening or weakening its retention', async () => {
      const lines = await store.held('QC-SAMPLE-01');
      const key = ObjectStore.relPath(lines[3].sha256);
      const version = lines[3].version;
      const del = await refusedBy(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: version })));
      expect(del.status).toBe(403);
      const bypass = await refusedBy(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: version, BypassGovernanceRetention: true })));
      expect(bypass.status).toBe(403);
      // Shorter, and weaker (governance, with the bypass), but still in the future: refused all the same.
      const sooner = new Date(T0 + 29 * 86_400_000);
      await refusedBy(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: version, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: sooner } })));
      await refusedBy(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: version, BypassGovernanceRetention: true, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: sooner } })));
      const kept = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: version }));
      expect(kept.Retention).toEqual({ Mode: 'COMPLIANCE', RetainUntilDate: new Date(T0 + 30 * 86_400_000) });
      const indexDel = await refusedBy(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: indexKey('QC-SAMPLE-01', 5), VersionId: (await firstVersion(s3, bucket, indexKey('QC-SAMPLE-01', 5)))! })));
      expect(indexDel.status).toBe(403);
      expect(await bytesAt(s3, bucket, key, version)).toBe(Buffer.from(chain[3].bytes).toString('hex'));
    });

    test('the engine refuses a conditional overwrite; an unconditional one only stacks a version the store never reads', async () => {
      const lines = await store.held('QC-SAMPLE-01');
      const key = ObjectStore.relPath(lines[4].sha256);
      const over = await refusedBy(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: chain[5].bytes, IfNoneMatch: '*' })));
      expect(over.status).toBe(412);
      // Without the condition a versioned bucket keeps the locked version and adds another
      // on top, and a delete without a version only adds a delete marker; the store reads
      // the version it wrote, and rebuilds each index object from its first version.
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: chain[5].bytes }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: indexKey('QC-SAMPLE-01', 0), Body: '{"forged":true}' }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: indexKey('QC-SAMPLE-01', 5) }));
      // A new key inside what is held (no version of it before) is passed over too.
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: indexKey('QC-SAMPLE-01', 4), Body: '{"forged":true}' }));
      expect(toHex(await store.read(lines[4]))).toBe(Buffer.from(chain[4].bytes).toString('hex'));
      const reopened = await S3EvidenceStore.open(s3, bucket, pem);
      expect(await reopened.rebuild('QC-SAMPLE-01')).toEqual(lines);
    });

    test('the position rebuilt from the objects alone is what was accepted', async () => {
      const reopened = await S3EvidenceStore.open(s3, bucket, pem);
      const pos = (await reopened.position('QC-SAMPLE-01'))!;
      const last = chain[chain.length - 1];
      expect(pos).toEqual({ throughSeq: last.seq, throughLink: parseEntry(last.bytes).seal.link, entries: chain.length, bytes: chain.reduce((n, e) => n + e.bytes.length, 0) });
      expect((await reopened.held('QC-SAMPLE-01')).map((l) => l.seq)).toEqual(chain.map((e) => e.seq));
    });

    test('a replayed batch adds nothing: no new object versions', async () => {
      const before = await versionCount(s3, bucket);
      const reopened = await S3EvidenceStore.open(s3, bucket, pem);
      expect(await reopened.accept('QC-SAMPLE-01', chain)).toMatchObject({ added: 0, resent: chain.length });
      expect(await versionCount(s3, bucket)).toBe(before);
    });

    test('refusals are DirectoryStore\'s and write nothing', async () => {
      const before = await versionCount(s3, bucket);
      const rewrite: OffloadEntry[] = [{ seq: 3, bytes: chain[4].bytes }];
      expect((await refusal(store.accept('QC-SAMPLE-01', rewrite))).reason).toBe('rewrite');
      const gap = [{ seq: chain.length + 1, bytes: chain[1].bytes }];
      expect((await refusal(store.accept('QC-SAMPLE-01', gap))).reason).toBe('gap');
      expect((await refusal(store.accept('QC-OTHER-09', chain.slice(0, 2)))).reason).toBe('foreign-device');
      expect((await refusal(store.receipt('QC-NONE-01', T0))).reason).toBe('unknown-device');
      expect(await versionCount(s3, bucket)).toBe(before);
    });

    test('legal hold on a device\'s entries is set on the locked versions', async () => {
      expect(await store.legalHold('QC-SAMPLE-01', true, 0, 1)).toBe(2);
      const [line] = await store.held('QC-SAMPLE-01');
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: ObjectStore.relPath(line.sha256), VersionId: line.version }));
      expect(head.ObjectLockLegalHoldStatus).toBe('ON');
      expect(await store.legalHold('QC-SAMPLE-01', false, 0, 1)).toBe(2);
    });

    test('a second store on the same bucket, or a key not the manifest\'s, is refused', async () => {
      await expect(S3EvidenceStore.create(s3, bucket, 'county-store-1', pem)).rejects.toThrow(/already holds a store/);
      await expect(S3EvidenceStore.open(s3, bucket, newKeyPem())).rejects.toThrow(/does not match/);
      await expect(S3EvidenceStore.open(s3, bucketName(), pem)).rejects.toThrow();
    });
  });
});

async function firstVersion(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  const vs = (r.Versions ?? []).filter((v) => v.Key === key);
  return vs[vs.length - 1]?.VersionId;
}

async function versionCount(s3: S3Client, bucket: string): Promise<number> {
  let n = 0;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    n += (r.Versions ?? []).length + (r.DeleteMarkers ?? []).length;
    if (!r.IsTruncated) return n;
    keyMarker = r.NextKeyMarker;
    versionMarker = r.NextVersionIdMarker;
  }
}
