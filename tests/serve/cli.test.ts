// quancheng serve and quancheng accounts from the command line: the built bin, a real process.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { SERVICE_NODE_FLAGS } from '../../tools/serve/node-flags';
import { runCli, BIN, expectOneLineError, runBin, tempDir } from '../support/cli';
import { PASSWORD } from './fixture';

function newStoreDir(): string {
  const dir = join(tempDir('serve-cli'), 'store');
  expect(runBin('store', 'init', dir, '--id', 'luoping-evidence').code).toBe(0);
  return dir;
}

function addAccount(dir: string, name: string, role: string, password = PASSWORD) {
  const r = spawnSync(process.execPath, [BIN, 'accounts', 'add', dir, '--name', name, '--role', role], { input: password + '\n', encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('accounts add reads the password from stdin; bad roles and short passwords are bad input', () => {
  const dir = newStoreDir();
  expect(addAccount(dir, 'wang', 'technician')).toMatchObject({ code: 0, stdout: 'account wang (technician) added\n' });
  expectOneLineError(addAccount(dir, 'li', 'admin'), /unknown role "admin"/);
  expectOneLineError(addAccount(dir, 'li', 'officer', 'short'), /at least 10 characters/);
  expectOneLineError(addAccount(dir, 'wang', 'officer'), /already exists/);
  expect(runBin('accounts', 'ls', dir)).toMatchObject({ code: 0, stdout: 'wang\ttechnician\n' });
});

test('serve prints the loopback URL it listens on, answers, runs under the service flags, and stops on SIGTERM', async () => {
  const dir = newStoreDir();
  expect(addAccount(dir, 'wang', 'technician').code).toBe(0);
  const child = spawn(process.execPath, [BIN, 'serve', dir, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
    expect(m).not.toBeNull();
    const url = m![1];
    const identity = (await (await fetch(new URL('api/identity', url))).json()) as { id: string };
    expect(identity.id).toBe('luoping-evidence');
    const page = await fetch(new URL('login', url));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('登录');
    expect((await fetch(new URL('audit', url), { redirect: 'manual' })).status).toBe(303);
    // The service itself is the node the command started with its heap flags; SIGTERM to the command reaches it.
    const [service] = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ');
    expect(readFileSync(`/proc/${service}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining([...SERVICE_NODE_FLAGS, 'serve', dir]));
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});

test('bad input: a directory that is not a store, a bad --listen, an offload URL without an account', async () => {
  expectOneLineError(await runCli('serve', tempDir('not-a-store')), /serve: /);
  expectOneLineError(await runCli('serve', tempDir('x'), '--listen', 'everywhere'), /--listen must be HOST:PORT/);
  expectOneLineError(await runCli('offload', '--port', '/dev/null', '--to', 'http://127.0.0.1:1/'), /needs --store-user NAME/);
  expectOneLineError(await runCli('accounts', 'frob'), /unknown subcommand "frob"/);
  // The bureau's configuration: missing, not JSON, incomplete, and a DIR given beside it.
  const dir = tempDir('bureau-config');
  expectOneLineError(await runCli('serve', '--bureau', join(dir, 'none.json')), /serve: .*none\.json: ENOENT/);
  writeFileSync(join(dir, 'bad.json'), '{"data": ');
  expectOneLineError(await runCli('serve', '--bureau', join(dir, 'bad.json')), /bad\.json: not JSON/);
  writeFileSync(join(dir, 'partial.json'), '{"data": "d", "storeKey": "k", "s3": {"endpoint": "http://127.0.0.1:1", "bucket": "evidence"}}');
  expectOneLineError(await runCli('serve', '--bureau', join(dir, 'partial.json')), /"postgres" must be an object/);
  expectOneLineError(await runCli('serve', dir, '--bureau', join(dir, 'partial.json')), /serve: unexpected argument/);
});
