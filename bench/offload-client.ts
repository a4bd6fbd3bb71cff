// The technician's side of the HTTP hop bench, in its own process as on a technician's
// laptop, kept for every run of the bench so it is as warm as the other paths: it loads a
// batch of entry files once; on "connect URL" it logs in to that service and says "ready";
// on "go" it sends the batch with HttpStoreBackend and prints what the service added (JSON).
// "forward URL" instead aims "go" at the bench's bare forwarder: the same batch bytes in one
// plain POST (the wire's batch format), no login, no position, no receipt.
// Usage: node dist/bench-offload-client.cjs DEVICE-ID DIR (login in QC_BENCH_LOGIN, name:password)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { HttpStoreBackend, type HttpLogin } from '../tools/store/http-backend';
import { encodeBatch } from '../tools/store/http-wire';

/** POSTs the batch bytes to url and reads the forwarder's JSON answer. */
function post(url: URL, body: Uint8Array, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`forwarder answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

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
  let forwarder: URL | undefined;
  const body = encodeBatch(batch);
  const agent = new Agent({ keepAlive: true });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.startsWith('connect ')) {
      backend = await HttpStoreBackend.connect(line.slice('connect '.length), account);
      forwarder = undefined;
      process.stdout.write('ready\n');
    } else if (line.startsWith('forward ')) {
      forwarder = new URL(line.slice('forward '.length));
      backend = undefined;
      process.stdout.write('ready\n');
    } else if (line === 'go') {
      if (forwarder) process.stdout.write((await post(forwarder, body, agent)) + '\n');
      else if (backend) process.stdout.write(JSON.stringify({ added: (await backend.accept(deviceId, batch)).added }) + '\n');
      else throw new Error('"go" before "connect URL" or "forward URL"');
    } else throw new Error(`unknown command: ${JSON.stringify(line)}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-offload-client: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
