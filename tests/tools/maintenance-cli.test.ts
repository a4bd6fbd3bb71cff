// The technician commands against `quancheng sim --serve`: the same tool code a real device's
// serial port would get, over a local socket to a simulated device in another process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runBin, runCli, tempDir } from '../support/cli';

let dir: string;
let server: ChildProcess;
let serverOut = '';

beforeAll(async () => {
  dir = tempDir('qc-serve');
  const tech = runBin('keygen', join(dir, 'tech.pem'));
  expect(tech.code).toBe(0);
  expect(runBin('store', 'init', join(dir, 'store'), '--id', 'luoping-evidence').code).toBe(0);
  const store = JSON.parse(readFileSync(join(dir, 'store', 'quancheng-store.json'), 'utf8'));
  const provisioning = {
    version: 1, deviceId: 'QC-LP-0007', unit: '罗平县市场监督管理局', officer: { name: '李明', certificate: '53030012345' },
    technicians: [{ id: 'T-007', name: '王工', publicKey: tech.stdout.trim() }],
    store: { id: store.id, name: '罗平县执法记录存储', publicKey: store.publicKey },
    mediaProfile: 'qvga-3-16k', preEventMs: 10000, continuous: false, allowClearRecording: true, provisionedBy: 'T-007', provisionedAt: 1790000000000,
  };
  writeFileSync(join(dir, 'provision.json'), JSON.stringify(provisioning));
  server = spawn(process.execPath, [BIN, 'sim', '--scenario', 'notice', '--provision', join(dir, 'provision.json'), '--out', join(dir, 'out'), '--serve', join(dir, 'dev.sock')]);
  server.stdout!.on('data', (d) => (serverOut += d));
  server.stderr!.on('data', (d) => (serverOut += d));
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (serverOut.includes('serving')) {
        clearInterval(t);
        resolve();
      }
      if (server.exitCode !== null) {
        clearInterval(t);
        reject(new Error(`sim --serve exited: ${serverOut}`));
      }
    }, 100);
  });
}, 180_000);

afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
});

const port = () => join(dir, 'dev.sock');
const login = () => ['--technician', 'T-007', '--key', join(dir, 'tech.pem')];

test('status, refused offload without the right key, offload with reclaim, time; then the device is stopped and its image verifies', async () => {
  const status = await runCli('status', '--port', port(), '--json');
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ deviceId: 'QC-LP-0007', provisioned: true, chain: { firstHeld: 0, receiptThrough: null } });

  expect(runBin('keygen', join(dir, 'stranger.pem')).code).toBe(0);
  const refused = await runCli('offload', '--port', port(), '--to', join(dir, 'store'), '--technician', 'T-007', '--key', join(dir, 'stranger.pem'));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/^quancheng offload: refused by the device \(denied\)/);

  const off = await runCli('offload', '--port', port(), '--to', join(dir, 'store'), ...login(), '--reclaim', '--json');
  expect(off.stderr).toBe('');
  expect(off.code).toBe(0);
  const r = JSON.parse(off.stdout);
  expect(r.entries).toBeGreaterThanOrEqual(3);
  expect(r.reclaimed.entries).toBe(r.entries);

  const time = await runCli('time', '--port', port(), ...login(), '--set', '2026-11-26T10:00:00+08:00');
  expect(time.code).toBe(0);
  expect(time.stdout).toMatch(/new: 2026-11-26T02:00:00.000Z/);

  const after = JSON.parse((await runCli('status', '--port', port(), '--json')).stdout);
  expect(after.chain.firstHeld).toBe(r.throughSeq + 1);
  expect(after.deadlines).toEqual([]);

  expect(runBin('store', 'verify', join(dir, 'store')).code).toBe(0);
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  expect(serverOut).toMatch(/stopped; flash image/);
  const v = runBin('verify', join(dir, 'out', 'flash.img'));
  expect(v.code).toBe(0);
  expect(v.stdout).toMatch(/offloaded to the designated store luoping-evidence/);
  expect(v.stdout).toMatch(/clock set by technician|time set/i);
}, 180_000);

test('bad input: unknown flag, missing port, a path that is no port, a bad provisioning file: one line, exit 2', async () => {
  for (const argv of [
    ['status', '--port', join(dir, 'nope.sock')],
    ['status'],
    ['status', '--port', join(dir, 'provision.json')],
    ['offload', '--port', port()],
    ['time', '--port', port(), '--set', 'tomorrow', ...login()],
    ['provision', join(dir, 'tech.pem'), '--port', port()],
    ['status', '--port', port(), '--frobnicate'],
  ]) {
    const r = await runCli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^quancheng /);
  }
});
