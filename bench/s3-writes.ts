// The bench's writes into a SeaweedFS bucket, shared by the bench process (the direct path,
// the in-process store) and the hop's receiving end in its own process (bench/hop-service.ts).
import { generateKeyPairSync } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { OffloadEntry } from '../tools/store';
import { S3EvidenceStore } from '../tools/store/s3-store';

/** A fresh WORM store in a new bucket, its key made here (a day's retention: the engine is thrown away after). */
export function newS3Store(s3: S3Client, bucket: string): Promise<S3EvidenceStore> {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return S3EvidenceStore.create(s3, bucket, 'bench-worm', pem, { retentionDays: 1 });
}

/**
 * A bucket for plain PutObject writes, as the store's are made (Object Lock on). SeaweedFS
 * makes a bucket's volumes at its first write; the store's manifest does that for its bucket
 * before the clock starts, so one small object does it here.
 */
export async function plainBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'first', Body: new Uint8Array(1) }));
}

/** Writes each entry as it comes with a plain PutObject, at most 4 in flight (the direct path, and the bare forwarder); how many were written. */
export async function forward(s3: S3Client, bucket: string, entries: AsyncIterable<OffloadEntry> | Iterable<OffloadEntry>): Promise<number> {
  const inFlight = new Set<Promise<unknown>>();
  let added = 0;
  for await (const e of entries) {
    while (inFlight.size >= 4) await Promise.race(inFlight);
    const put: Promise<unknown> = s3.send(new PutObjectCommand({ Bucket: bucket, Key: `entries/${e.seq}.qce`, Body: e.bytes })).then(() => {
      added++;
      inFlight.delete(put);
    });
    inFlight.add(put);
  }
  await Promise.all(inFlight);
  return added;
}
