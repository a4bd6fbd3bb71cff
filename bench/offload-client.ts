// The technician's side of the HTTP hop bench, in its own process as on a technician's
// laptop, kept for every run of the bench so it is as warm as the other paths: it loads a
// batch of entry files once; on "connect URL" it logs in to that service and says "ready";
// on "go" it sends the batch with HttpStoreBackend and prints what the service added (JSON).
// Usage: node dist/bench-offload-client.cjs DEVICE-ID DIR (login in QC_BENCH_LOGIN, name:password)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HttpStoreBackend, type HttpLogin } from '../tools/store/http-backend';

async function main(): Promise<void> {
  const [deviceId, dir] = process.argv.slice(2);
  const login = process.env.QC_BENCH_LOGIN ?? '';
  const colon = login.indexOf(':');
  if (!deviceId || !dir || colon < 0) throw new Error('usage: bench-offload-client DEVICE-ID DIR, with QC_BENCH_LOGIN=name:password');
  const account: HttpLogin = { name: login.slice(0, colon), password: login.slice(colon + 1) };
  const batch = readdirSync(dir)
    .filter((f) => f.endsWith('.qce'))
    .map((f) => ({ seq: Number(f.slice(0, -4)), bytes: new Uint8Array(readFileSync(join(dir, f))) }))
    .sort((a, b) => a.seq - b.seq);
  let backend: HttpStoreBackend | undefined;
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.startsWith('connect ')) {
      backend = await HttpStoreBackend.connect(line.slice('connect '.length), account);
      process.stdout.write('ready\n');
    } else if (line === 'go') {
      if (!backend) throw new Error('"go" before "connect URL"');
      const r = await backend.accept(deviceId, batch);
      process.stdout.write(JSON.stringify({ added: r.added }) + '\n');
    } else throw new Error(`unknown command: ${JSON.stringify(line)}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-offload-client: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
