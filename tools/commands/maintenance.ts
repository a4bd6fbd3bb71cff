// Technician commands over the maintenance port (docs/MAINTENANCE.md), the same for a real
// device (--port /dev/ttyACM0) and a simulated one (--port SOCKET from `quancheng sim --serve`):
//   status, provision FILE, time, offload --to STORE, keygen FILE
import { writeFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { parseArgs, type ParsedArgs } from '../args';
import { EXIT_OK, EXIT_PROBLEM, UsageError } from '../errors';
import type { Io } from '../io';
import { loadProvisionFile } from '../flash/provision-file';
import { DeviceRefusal, MaintenanceClient } from '../maintenance/client';
import { offload } from '../maintenance/offload';
import { openPort } from '../maintenance/port-transport';
import { progressBar } from '../maintenance/progress';
import { authenticate, loadTechnicianKey, newTechnicianKey } from '../maintenance/technician';
import { LinkError } from '../maintenance/link';
import { DirectoryStore, StoreError, StoreRefusal, type EvidenceStoreBackend } from '../store';
import { HttpStoreBackend } from '../store/http-backend';

export const statusUsage = 'quancheng status --port PORT [--json]';
export const provisionUsage = 'quancheng provision FILE [--store-public FILE|STOREDIR] --port PORT [--technician ID --key FILE] [--json]   (the first provisioning needs no key)';
export const timeUsage = 'quancheng time --port PORT --technician ID --key FILE [--set ISO-TIME] [--json]   (default: this computer\'s clock)';
export const offloadUsage = 'quancheng offload --port PORT --to STORE|URL [--store-user NAME] --technician ID --key FILE [--reclaim] [--json]   (URL: quancheng serve; password in QUANCHENG_STORE_PASSWORD)';
export const keygenUsage = 'quancheng keygen FILE   (a technician key; prints the public key to provision)';

const PORT = ['port', 'baud', 'timeout'];
const LOGIN = ['technician', 'key'];

/** Opens the port, runs `work`, maps refusals and link failures to exit codes. */
async function withDevice(command: string, args: ParsedArgs, io: Io, work: (client: MaintenanceClient, login: () => Promise<string>) => Promise<Record<string, unknown>>): Promise<number> {
  const port = args.values.get('port');
  if (!port) throw new UsageError(`${command}: --port is required`);
  const baud = args.values.has('baud') ? Number(args.values.get('baud')) : undefined;
  if (baud !== undefined && !(Number.isInteger(baud) && baud > 0)) throw new UsageError(`${command}: --baud must be a whole number`);
  const timeout = args.values.has('timeout') ? Number(args.values.get('timeout')) : 5000;
  if (!(Number.isInteger(timeout) && timeout > 0)) throw new UsageError(`${command}: --timeout must be milliseconds`);
  let key: KeyObject | undefined;
  const technician = args.values.get('technician');
  const keyFile = args.values.get('key');
  if ((technician === undefined) !== (keyFile === undefined)) throw new UsageError(`${command}: --technician and --key go together`);
  if (keyFile) key = loadTechnicianKey(keyFile, command);
  const client = new MaintenanceClient(await openPort(port, baud), { timeoutMs: timeout });
  const login = async () => {
    if (!technician || !key) throw new UsageError(`${command}: needs --technician ID --key FILE`);
    return authenticate(client, technician, key);
  };
  try {
    const result = await work(client, login);
    io.out(args.switches.has('json') ? JSON.stringify(result, null, 2) + '\n' : text(result));
    return EXIT_OK;
  } catch (e) {
    if (e instanceof DeviceRefusal) {
      io.err(`quancheng ${command}: refused by the device (${e.code}): ${e.message}\n`);
      return EXIT_PROBLEM;
    }
    if (e instanceof StoreRefusal) {
      io.err(`quancheng ${command}: refused by the store: ${e.message}\n`);
      return EXIT_PROBLEM;
    }
    if (e instanceof LinkError) throw new UsageError(`${command}: ${e.message}`);
    if (e instanceof StoreError) throw new UsageError(`${command}: ${e.message}`);
    throw e;
  } finally {
    client.close();
  }
}

/** key: value lines, nested objects flattened with dots. */
function text(o: Record<string, unknown>, prefix = ''): string {
  let out = '';
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out += text(v as Record<string, unknown>, `${prefix}${k}.`);
    else out += `${prefix}${k}: ${Array.isArray(v) ? JSON.stringify(v) : String(v)}\n`;
  }
  return out;
}

export function runStatus(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs('status', argv, { values: PORT, switches: ['json'], positionals: [] });
  return withDevice('status', args, io, async (client) => {
    const { ok: _ok, ...status } = (await client.call({ cmd: 'status' })).head;
    return status;
  });
}

export function runProvision(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs('provision', argv, { values: [...PORT, ...LOGIN, 'store-public'], switches: ['json'], positionals: ['FILE'] });
  const p = loadProvisionFile(args.positionals[0], 'provision', args.values.get('store-public'));
  return withDevice('provision', args, io, async (client, login) => {
    const hello = await client.call({ cmd: 'hello' });
    if (hello.head.provisioned === true) await login();
    const r = await client.call({ cmd: 'provision', provisioning: p });
    return { provisioned: r.head.deviceId, first: hello.head.provisioned !== true };
  });
}

export function runTime(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs('time', argv, { values: [...PORT, ...LOGIN, 'set'], switches: ['json'], positionals: [] });
  const setText = args.values.get('set');
  const time = setText === undefined ? undefined : Date.parse(setText);
  if (setText !== undefined && (Number.isNaN(time) || !/[zZ]|[+-]\d\d:\d\d$/.test(setText))) throw new UsageError(`time: --set must be an ISO 8601 time with its offset, got ${JSON.stringify(setText)}`);
  return withDevice('time', args, io, async (client, login) => {
    await login();
    const r = await client.call({ cmd: 'time', time: time ?? Date.now() });
    const iso = (t: unknown) => (typeof t === 'number' ? new Date(t).toISOString() : 'unset');
    return { old: iso(r.head.oldTime), new: iso(r.head.newTime) };
  });
}

export function runOffload(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs('offload', argv, { values: [...PORT, ...LOGIN, 'to', 'store-user'], switches: ['json', 'reclaim'], positionals: [] });
  const to = args.values.get('to');
  if (!to) throw new UsageError('offload: --to STORE is required (the unit\'s designated store directory or service URL)');
  const remote = /^https?:\/\//.test(to);
  const user = args.values.get('store-user');
  const password = process.env.QUANCHENG_STORE_PASSWORD;
  if (remote && (!user || !password)) throw new UsageError('offload: a service URL needs --store-user NAME (a technician account) and its password in QUANCHENG_STORE_PASSWORD');
  if (!remote && user) throw new UsageError('offload: --store-user goes with a service URL');
  let local: DirectoryStore | undefined;
  if (!remote) {
    try {
      local = DirectoryStore.open(to);
    } catch (e) {
      throw new UsageError(`offload: ${(e as Error).message}`);
    }
  }
  return withDevice('offload', args, io, async (client, login) => {
    const deviceId = await login();
    // Connected after the device login: a store login that locks out should not be spent on an unreachable device.
    const store: EvidenceStoreBackend = local ?? (await HttpStoreBackend.connect(to, { name: user!, password: password! }));
    const bar = args.switches.has('json') ? { update() {}, end() {} } : progressBar(`offload ${deviceId}`);
    try {
      const r = await offload(client, store, { deviceId, now: Date.now, reclaim: args.switches.has('reclaim'), onProgress: (d, t) => bar.update(d, t) });
      return { device: deviceId, store: store.identity().id, ...r };
    } finally {
      bar.end();
    }
  });
}

export function runKeygen(argv: readonly string[], io: Io): number {
  const args = parseArgs('keygen', argv, { positionals: ['FILE'] });
  const { pem, publicKey } = newTechnicianKey();
  try {
    writeFileSync(args.positionals[0], pem, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new UsageError(`keygen: cannot create ${args.positionals[0]}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists' : (e as Error).message}`);
  }
  io.out(`${publicKey}\n`);
  return EXIT_OK;
}
