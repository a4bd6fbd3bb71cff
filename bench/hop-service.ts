// The receiving end of the bench's HTTP hop, in a process of its own as `quancheng serve` runs
// (not inside the bench, whose heap holds every figure before this one), into the SeaweedFS
// named by QC_BENCH_S3 (JSON: endpoint, accessKeyId, secretAccessKey). One command a line:
//   serve BUCKET     the service over a new S3 store in BUCKET, its SQLite index in a temporary
//                    directory, a technician account "bench" (password in QC_BENCH_PASSWORD),
//                    on loopback HTTP: prints its URL
//   forward BUCKET   the hop's floor instead: node:http reading the batch (the wire's format)
//                    and writing each entry with a plain PutObject as it arrives, 4 in flight;
//                    no check, no hash of its own, no index, no lock, no receipt: prints its URL
//   close            ends what the last command opened: prints "closed"
// Usage: node FLAGS dist/bench-hop-service.cjs, FLAGS being SERVICE_NODE_FLAGS, the ones
// `quancheng serve` runs with (tools/serve/node-flags.ts); the bench starts it so
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { addAccount } from '../tools/serve/accounts';
import { s3Source } from '../tools/serve/s3-source';
import { listen, serviceServer } from '../tools/serve/server';
import { openService } from '../tools/serve/service';
import { MAX_BATCH_BYTES, readBatch } from '../tools/store/http-wire';
import { s3Client, type S3Endpoint } from '../tools/store/s3-client';
import { SqliteDb } from '../tools/store/sql/sqlite-db';
import { forward, newS3Store, plainBucket } from './s3-writes';

/** What one command opened: where it listens, and how to end it. */
interface End {
  url: string;
  close(): Promise<void>;
}

async function serve(s3: ReturnType<typeof s3Client>, bucket: string, password: string): Promise<End> {
  const store = await newS3Store(s3, bucket);
  const dir = mkdtempSync(join(tmpdir(), 'qc-bench-serve-'));
  const service = await openService({ backend: store, source: s3Source(store), db: SqliteDb.open(join(dir, 'index.sqlite')), dataDir: dir, now: Date.now });
  await addAccount(service.db, 'bench', 'technician', password, Date.now());
  const server = serviceServer(service);
  return {
    url: await listen(server, '127.0.0.1', 0),
    close: async () => {
      await closeServer(server);
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function forwarder(s3: ReturnType<typeof s3Client>, bucket: string): Promise<End> {
  await plainBucket(s3, bucket);
  const server = createServer((req, res) => {
    void forward(s3, bucket, readBatch(req, MAX_BATCH_BYTES)).then(
      (added) => res.end(JSON.stringify({ added })),
      (e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      },
    );
  });
  return { url: await listen(server, '127.0.0.1', 0), close: () => closeServer(server) };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function main(): Promise<void> {
  const engine = JSON.parse(process.env.QC_BENCH_S3 ?? 'null') as S3Endpoint | null;
  const password = process.env.QC_BENCH_PASSWORD ?? '';
  if (!engine?.endpoint || !password) throw new Error('usage: bench-hop-service, with QC_BENCH_S3={"endpoint","accessKeyId","secretAccessKey"} and QC_BENCH_PASSWORD');
  const s3 = s3Client(engine);
  let open: End | undefined;
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, bucket] = line.split(' ');
    if ((command === 'serve' || command === 'forward') && bucket) {
      await open?.close();
      const end = command === 'serve' ? await serve(s3, bucket, password) : await forwarder(s3, bucket);
      open = end;
      process.stdout.write(end.url + '\n');
    } else if (line === 'close') {
      await open?.close();
      open = undefined;
      process.stdout.write('closed\n');
    } else throw new Error(`unknown command: ${JSON.stringify(line)}`);
  }
  await open?.close();
  s3.destroy();
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-hop-service: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
