// Runs a throwaway SeaweedFS: `weed mini` (master, volume, filer and S3 in one process) on a
// temporary directory, every port chosen free at run time and bound to loopback, the parts a
// WORM store does not use turned off, S3 credentials from a config file of its own; stop()
// ends it and removes the directory. For the tests and the bench (the weed binary is
// scripts/build-seaweedfs.sh's); a bureau's server is scripts/start-seaweedfs.sh.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3Client } from './s3-client';

/** Where scripts/build-seaweedfs.sh puts weed, for the version in scripts/seaweedfs.version under root. */
export function weedPath(root: string, version: string): string {
  return join(root, '.cache', 'seaweedfs', version.trim(), 'weed');
}

export interface SeaweedServer {
  /** The S3 endpoint, http://127.0.0.1:PORT. */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The weed process (the bench reads its CPU time). */
  readonly pid: number;
  /** A client for this server (path-style, the credentials above). */
  client(): S3Client;
  stop(): Promise<void>;
}

/** n distinct free loopback ports, held open together so none is handed out twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = createServer();
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(s);
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

export async function startSeaweed(weed: string): Promise<SeaweedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'qc-weed-'));
  const accessKeyId = 'qc-test-access';
  const secretAccessKey = 'qc-test-secret-0123456789';
  const config = { identities: [{ name: 'qc-test', credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }], actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'] }] };
  writeFileSync(join(dir, 's3.json'), JSON.stringify(config));
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc, admin, adminGrpc] = await freePorts(10);
  const args = [
    'mini',
    `-dir=${join(dir, 'data')}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    `-admin.port=${admin}`,
    `-admin.port.grpc=${adminGrpc}`,
    '-admin.port.legacy=0',
    '-admin.ui=false',
    '-webdav=false',
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    '-master.telemetry=false',
    // A write to a missing bucket must fail, not make a bucket without Object Lock.
    '-s3.autoCreateBucket=false',
    `-s3.config=${join(dir, 's3.json')}`,
    // Unix sockets default to fixed names under /tmp: keep them in this server's directory.
    `-s3.localSocket=${join(dir, 's3.sock')}`,
    `-filer.localSocket=${join(dir, 'filer.sock')}`,
  ];
  mkdirSync(join(dir, 'data'));
  const child: ChildProcess = spawn(weed, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: unknown) => (log = (log + String(d)).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${s3}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const server: SeaweedServer = { endpoint, accessKeyId, secretAccessKey, pid: child.pid ?? 0, client: () => s3Client({ endpoint, accessKeyId, secretAccessKey }), stop };
  try {
    await waitReady(server, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  return server;
}

async function waitReady(server: SeaweedServer, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const client = server.client();
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`weed mini exited at start: ${log().trim()}`);
      try {
        await client.send(new ListBucketsCommand({}));
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`weed mini's S3 did not answer within 60 s: ${(e as Error).message}; ${log().trim()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    client.destroy();
  }
}
