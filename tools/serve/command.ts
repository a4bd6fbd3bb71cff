// quancheng serve DIR [--listen HOST:PORT]   the designated store as a service (issue 15)
// quancheng accounts add DIR --name N --role R   (the password is read from stdin, first line)
// quancheng accounts ls DIR
import { readFileSync } from 'node:fs';
import { parseArgs } from '../args';
import { EXIT_OK, UsageError } from '../errors';
import type { Io } from '../io';
import { StoreError } from '../store/errors';
import { AccountError, addAccount, assignUnit } from './accounts';
import { listen, serviceServer } from './server';
import { BureauConfigError, openBureau, readBureauConfig } from './bureau';
import { openEmbedded, type Service } from './service';

export const serveUsage = 'quancheng serve DIR | --bureau CONFIG.json [--init STORE-ID]  [--listen HOST:PORT]   (default 127.0.0.1:8420; port 0 picks a free one; docs/SERVICE.md)';
export const accountsUsage = 'quancheng accounts add DIR|--bureau CONFIG --name NAME --role officer|data-manager|inspector|leader|technician  (password on stdin) | assign DIR|--bureau CONFIG --device ID --officer NAME | ls DIR|--bureau CONFIG';

async function open(command: string, dir: string): Promise<Service> {
  try {
    return await openEmbedded(dir);
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(`${command}: ${e.message}`);
    throw e;
  }
}

/** A command's arguments and service: a store DIR, or the bureau's `--bureau CONFIG` in its place. */
async function serviceArgs(command: string, argv: readonly string[], values: readonly string[], extra: readonly string[] = []) {
  const bureau = argv.some((a) => a === '--bureau' || a.startsWith('--bureau='));
  const args = parseArgs(command, argv, bureau ? { values: [...values, 'bureau', ...extra], positionals: [] } : { values, positionals: ['DIR'] });
  return { args, open: () => (bureau ? openBureauService(command, args.values.get('bureau')!, args.values.get('init')) : open(command, args.positionals[0])) };
}

/** The bureau's service from its configuration file; a bad file or an unreachable engine is one line, exit 2. */
async function openBureauService(command: string, config: string, init: string | undefined): Promise<Service> {
  try {
    return await openBureau(readBureauConfig(config), { init });
  } catch (e) {
    if (e instanceof BureauConfigError || e instanceof StoreError) throw new UsageError(`${command}: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${command}: ${config}: ${code ? `${code}: ` : ''}${String((e as Error).message ?? e).split('\n')[0]}`);
  }
}

/** host:port; the host must be given as an address, and loopback is the default (docs/SERVICE.md says why). */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[0-9.]+|localhost):([0-9]{1,5})$/.exec(s);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`serve: --listen must be HOST:PORT (e.g. 127.0.0.1:8420): ${JSON.stringify(s)}`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export async function runServe(argv: readonly string[], io: Io): Promise<number> {
  const { args, open: openIt } = await serviceArgs('serve', argv, ['listen'], ['init']);
  const { host, port } = parseListen(args.values.get('listen') ?? '127.0.0.1:8420');
  const service = await openIt();
  const server = serviceServer(service);
  let url: string;
  try {
    url = await listen(server, host, port);
  } catch (e) {
    await service.close();
    throw new UsageError(`serve: cannot listen on ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  io.out(`quancheng serve: store ${service.store.identity().id} listening on ${url}\n`);
  // Runs until stopped; SIGINT/SIGTERM close the listener and the index cleanly. A second
  // signal while closing is ignored: a terminal's Ctrl-C reaches the service both directly
  // and passed on by the node that started it with its flags (node-flags.ts).
  let stop = () => {};
  await new Promise<void>((resolve) => {
    stop = () => {
      if (server.listening) server.close(() => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  await service.close();
  return EXIT_OK;
}

export async function runAccounts(argv: readonly string[], io: Io, stdin: () => string = () => readFileSync(0, 'utf8')): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'add') {
    const { args, open: openIt } = await serviceArgs('accounts add', rest, ['name', 'role']);
    const name = args.values.get('name');
    const role = args.values.get('role');
    if (!name || !role) throw new UsageError('accounts add: --name and --role are required');
    const password = stdin().split(/\r?\n/)[0];
    const service = await openIt();
    try {
      await addAccount(service.db, name, role, password, service.now());
    } catch (e) {
      if (e instanceof AccountError) throw new UsageError(`accounts add: ${e.message}`);
      throw e;
    } finally {
      await service.close();
    }
    io.out(`account ${name} (${role}) added\n`);
    return EXIT_OK;
  }
  if (sub === 'assign') {
    const { args, open: openIt } = await serviceArgs('accounts assign', rest, ['device', 'officer']);
    const deviceId = args.values.get('device');
    const officer = args.values.get('officer');
    if (!deviceId || !officer) throw new UsageError('accounts assign: --device and --officer are required');
    const service = await openIt();
    try {
      await assignUnit(service.db, deviceId, officer, service.now());
    } catch (e) {
      if (e instanceof AccountError) throw new UsageError(`accounts assign: ${e.message}`);
      throw e;
    } finally {
      await service.close();
    }
    io.out(`unit ${deviceId} assigned to ${officer}\n`);
    return EXIT_OK;
  }
  if (sub === 'ls') {
    const { open: openIt } = await serviceArgs('accounts ls', rest, []);
    const service = await openIt();
    const rows = await service.db.all('SELECT name, role, locked_until FROM accounts ORDER BY name');
    await service.close();
    for (const r of rows) io.out(`${r.name}\t${r.role}${Number(r.locked_until) > Date.now() ? '\tlocked' : ''}\n`);
    return EXIT_OK;
  }
  throw new UsageError(`accounts: ${sub === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(sub)}`} (${accountsUsage})`);
}
