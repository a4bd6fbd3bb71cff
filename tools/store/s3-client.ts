// An S3 client for a bureau's store (SeaweedFS, MinIO, Ceph, AWS): path-style addressing,
// which self-hosted engines need, and explicit credentials.
import { S3Client } from '@aws-sdk/client-s3';

export interface S3Endpoint {
  /** http(s)://host:port of the S3 API. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

export function s3Client(e: S3Endpoint): S3Client {
  // The SDK warns once per process that its releases from 2027 need Node 22; quancheng runs
  // on Node 20 with this pinned release, and the warning would break one-line stderr output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({ endpoint: e.endpoint, region: e.region ?? 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey } });
}
