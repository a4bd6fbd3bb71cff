// The loop a bureau runs: the designated store makes its content key pair (`store init`), the
// technician provisions the unit with its public half (`--store-public STOREDIR`), the unit
// encrypts, and only the store reads what it recorded.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectOneLineError, runCli, tempDir } from '../support/cli';

let dir: string;
let provisionFile: string;

beforeAll(async () => {
  dir = tempDir('store-public');
  expect((await runCli('store', 'init', join(dir, 'store'), '--id', 'luoping-evidence')).code).toBe(0);
  const store = JSON.parse(readFileSync(join(dir, 'store', 'quancheng-store.json'), 'utf8'));
  const tech = await runCli('keygen', join(dir, 'tech.pem'));
  provisionFile = join(dir, 'provision.json');
  writeFileSync(
    provisionFile,
    JSON.stringify({
      version: 1, deviceId: 'QC-LP-0008', unit: '罗平县市场监督管理局', officer: { name: '李明', certificate: '53030012345' },
      technicians: [{ id: 'T-007', name: '王工', publicKey: tech.stdout.trim() }],
      store: { id: store.id, name: '罗平县执法记录存储', publicKey: store.publicKey },
      mediaProfile: 'qvga-3-16k', preEventMs: 5000, continuous: false, provisionedBy: 'T-007', provisionedAt: 1790000000000,
    }),
  );
});

test('provisioned with the store directory: the unit encrypts, verify reads the content only with the store key', async () => {
  const out = join(dir, 'out');
  const sim = await runCli('sim', '--scenario', 'notice', '--provision', provisionFile, '--store-public', join(dir, 'store'), '--out', out);
  expect(sim.code).toBe(0);
  const blind = await runCli('verify', join(out, 'flash.img'));
  expect(blind.code).toBe(0);
  expect(blind.stdout).toMatch(/encrypted: (\d+) of \1 entries; integrity checked, content not read/);
  expect(blind.stdout).not.toContain('李明');
  const read = await runCli('verify', join(out, 'flash.img'), '--store-key', join(dir, 'store'));
  expect(read.code).toBe(0);
  expect(read.stdout).toContain('content read with the store\'s key');
  expect(read.stdout).toContain('李明');
});

test('the same provisioning without a store key and without allowClearRecording records nothing', async () => {
  const out = join(dir, 'refused');
  expect((await runCli('sim', '--scenario', 'notice', '--provision', provisionFile, '--out', out)).code).toBe(0);
  const r = await runCli('verify', join(out, 'flash.img'), '--json');
  expect(JSON.parse(r.stdout).compliance.recordings).toEqual([]);
});

test('bad --store-public: one line, exit 2', async () => {
  expectOneLineError(await runCli('sim', '--provision', provisionFile, '--store-public', join(dir, 'nowhere'), '--out', join(dir, 'x')), /--store-public .*nowhere: no such file or store directory/);
  expectOneLineError(await runCli('sim', '--provision', provisionFile, '--store-public', provisionFile, '--out', join(dir, 'x')), /not a public key/);
  expectOneLineError(await runCli('sim', '--store-public', join(dir, 'store'), '--out', join(dir, 'x')), /--store-public goes with --provision/);
});
