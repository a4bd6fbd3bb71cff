// A throwaway PostgreSQL server for the tests: Debian's postgresql binaries, a fresh cluster
// in a temporary directory, listening only on a unix socket in that directory (no TCP port
// to collide with other test runs), stopped and removed after. Postgres refuses to run as
// root, so under root (CI) initdb and postgres run as the `postgres` user, in a directory
// under /tmp that it can reach. Missing binaries: skip saying why, but fail under CI, whose
// install (scripts/install.sh) put them there.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const PG_ROOT = '/usr/lib/postgresql';
/** The socket file is .s.PGSQL.<port> in the socket directory; the number only names it. */
const SOCKET_PORT = 5432;

/** The bin directory of the newest PostgreSQL installed, or undefined (printing why) when none is. */
export function findPostgres(): string | undefined {
  let versions: string[] = [];
  try {
    versions = readdirSync(PG_ROOT).filter((v) => /^\d+$/.test(v) && existsSync(join(PG_ROOT, v, 'bin', 'initdb')));
  } catch {
    // none installed
  }
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length > 0) return join(PG_ROOT, versions[0], 'bin');
  const why = `no PostgreSQL server binaries under ${PG_ROOT} (Debian package postgresql)`;
  if (process.env.CI) throw new Error(`${why}: scripts/install.sh installs it`);
  console.warn(`SKIPPING PostgreSQL tests: ${why}; scripts/install.sh installs it`);
  return undefined;
}

export interface PgServer {
  /** Connection settings for pg's Client or Pool (database 'postgres'). */
  readonly connection: { host: string; port: number; user: string; database: string };
  /** A new, empty database on this server; its connection settings. */
  createDatabase(): Promise<{ host: string; port: number; user: string; database: string }>;
  stop(): Promise<void>;
}

const asRoot = () => process.getuid?.() === 0;

/** Runs a server binary, as the postgres user when we are root. */
function command(bin: string, args: string[]): [string, string[]] {
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

export async function startPostgres(binDir: string): Promise<PgServer> {
  // Under root the cluster lives straight under /tmp: TMPDIR may be a private 0700 directory
  // the postgres user cannot enter.
  const dir = mkdtempSync(join(asRoot() ? '/tmp' : tmpdir(), 'qc-pg-'));
  if (asRoot()) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error('running as root, and there is no postgres user to run the server as');
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
    chmodSync(dir, 0o700);
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = command(join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(init.stderr || init.error?.message || '').trim()}`);
  }
  // Socket only, in the cluster's own directory; fsync off: a throwaway cluster needs no durability.
  const [pgCmd, pgArgs] = command(join(binDir, 'postgres'), ['-D', data, '-k', dir, '-p', String(SOCKET_PORT), '-c', 'listen_addresses=', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off']);
  const child: ChildProcess = spawn(pgCmd, pgArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => (log = (log + String(d)).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const connection = { host: dir, port: SOCKET_PORT, user: 'postgres', database: 'postgres' };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // pg_ctl's fast shutdown (runuser does not pass SIGINT on to the server it runs).
      const [ctlCmd, ctlArgs] = command(join(binDir, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w', '-t', '20']);
      const r = spawnSync(ctlCmd, ctlArgs, { encoding: 'utf8' });
      if (r.status !== 0) child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(connection, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  let made = 0;
  return {
    connection,
    async createDatabase() {
      const name = `qc_test_${++made}`;
      const admin = new Client(connection);
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return { ...connection, database: name };
    },
    stop,
  };
}

async function waitReady(connection: PgServer['connection'], child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited at start: ${log().trim()}`);
    const c = new Client(connection);
    try {
      await c.connect();
      await c.end();
      return;
    } catch (e) {
      await c.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s: ${(e as Error).message}; ${log().trim()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
