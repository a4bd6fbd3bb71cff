// The technician's side of the HTTP hop bench, in its own process as on a technician's
// laptop: it loads a batch of entry files, logs in to the service, says "ready", and on
// "go" sends the batch with HttpStoreBackend and prints what the service added (JSON).
// Usage: node dist/bench-offload-client.cjs URL DEVICE-ID DIR (login in QC_BENCH_LOGIN, name:password)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HttpStoreBackend } from '../tools/store/http-backend';

async function main(): Promise<void> {
  const [url, deviceId, dir] = process.argv.slice(2);
  const login = process.env.QC_BENCH_LOGIN ?? '';
  const colon = login.indexOf(':');
  if (!url || !deviceId || !dir || colon < 0) throw new Error('usage: bench-offload-client URL DEVICE-ID DIR, with QC_BENCH_LOGIN=name:password');
  const batch = readdirSync(dir)
    .filter((f) => f.endsWith('.qce'))
    .map((f) => ({ seq: Number(f.slice(0, -4)), bytes: new Uint8Array(readFileSync(join(dir, f))) }))
    .sort((a, b) => a.seq - b.seq);
  const backend = await HttpStoreBackend.connect(url, { name: login.slice(0, colon), password: login.slice(colon + 1) });
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line !== 'go') continue;
    const r = await backend.accept(deviceId, batch);
    process.stdout.write(JSON.stringify({ added: r.added }) + '\n');
    break;
  }
  lines.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-offload-client: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
