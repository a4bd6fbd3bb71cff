import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes, entryPath, EntryKind, EntryWriter, genesisLink, recordPieces, type EntryFile } from '../../firmware/core/evidence';
import { publicKeyPem } from '../../host-sim/crypt/node-checker';
import { attackerSigner, copyFiles, deviceSigner, sampleChain } from '../support/chain';
import { expectOneLineError, runBin, runCli, tempDir, writeChain } from '../support/cli';

describe('quancheng verify', () => {
  const chain = sampleChain();
  const dir = writeChain(chain);
  const keyFile = join(tempDir('key'), 'device.pem');
  writeFileSync(keyFile, publicKeyPem(deviceSigner.publicKey));
  const otherKey = join(tempDir('key'), 'other.pem');
  writeFileSync(otherKey, publicKeyPem(attackerSigner.publicKey));

  test('an intact chain: exit 0, a verdict line with the head, the compliance view', async () => {
    const r = await runCli('verify', dir, '--device-key', keyFile);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^INTACT: device QC-SAMPLE-01, entries 0-\d+ \(\d+ files\), head \d+:[0-9a-f]{64}$/);
    expect(r.stdout).toMatch(/key [0-9a-f]{16} \(from --device-key\)/);
    expect(r.stdout).toMatch(/recording 2: .*interruptions \[low-battery: resumed, explained\]/);
    expect(r.stderr).toBe('');
  });

  test('--json gives the report', async () => {
    const r = await runCli('verify', '--json', dir);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: true, deviceId: 'QC-SAMPLE-01', problems: [] });
    expect(report.head.seq).toBe(chain.length - 1);
    expect(report.compliance.recordings).toHaveLength(2);
  });

  test('tampering: exit 1, each problem on its own line', async () => {
    const files = copyFiles(chain);
    files[2].bytes[200] ^= 4;
    const bad = writeChain(files.filter((_, i) => i !== 5));
    const r = await runCli('verify', bad);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NOT INTACT/);
    expect(lines).toContainEqual(expect.stringMatching(/^modified at 2: .*record.* altered/));
    expect(lines).toContainEqual('missing at 5: entry 5 is missing');
  });

  test('--expect-head catches a removed tail; --device-key catches a foreign key', async () => {
    const head = JSON.parse((await runCli('verify', '--json', dir)).stdout).head;
    const short = writeChain(chain.slice(0, -1));
    const r = await runCli('verify', short, '--expect-head', `${head.seq}:${head.hash}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^head-mismatch at \d+: expected head/m);
    expect((await runCli('verify', dir, `--expect-head=${head.seq}:${head.hash.slice(0, 20)}`)).code).toBe(0);
    const f = await runCli('verify', dir, '--device-key', otherKey);
    expect(f.code).toBe(1);
    expect(f.stdout).toMatch(/^foreign-key/m);
  });

  describe('bad input: one line, exit 2', () => {
    test('missing path', async () => expectOneLineError(await runCli('verify', '/nonexistent/chain'), /no such file or directory/));
    test('a file that is not an image', async () => expectOneLineError(await runCli('verify', keyFile), /not a whole number of 4096-byte blocks/));
    test('empty directory', async () => expectOneLineError(await runCli('verify', tempDir('empty')), /no evidence entries/));
    test('unknown flag', async () => expectOneLineError(await runCli('verify', dir, '--fast'), /unknown option --fast/));
    test('missing PATH', async () => expectOneLineError(await runCli('verify'), /missing PATH/));
    test('two paths', async () => expectOneLineError(await runCli('verify', dir, dir), /unexpected argument/));
    test('flag without value', async () => expectOneLineError(await runCli('verify', dir, '--device-key'), /needs a value/));
    test('bad --expect-head', async () => expectOneLineError(await runCli('verify', dir, '--expect-head', '5:xyz'), /SEQ:HASH/));
    test('unreadable key file', async () => expectOneLineError(await runCli('verify', dir, '--device-key', '/nope.pem'), /cannot read device key/));
    test('key file that is not a key', async () => {
      const k = join(tempDir('key'), 'junk.pem');
      writeFileSync(k, 'hello');
      expectOneLineError(await runCli('verify', dir, '--device-key', k), /PEM public key or 130 hex digits/);
    });
    test('unknown command', async () => expectOneLineError(await runCli('frobnicate'), /unknown command "frobnicate"/));

    const lone = (bytes: Uint8Array) => writeChain([{ path: entryPath(0), bytes }]);

    test('random bytes', async () => {
      let x = 12345;
      const junk = Uint8Array.from({ length: 5000 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
      expectOneLineError(await runCli('verify', lone(junk)), /not an evidence chain: .*bad magic/);
    });

    test('a truncated header', async () => {
      expectOneLineError(await runCli('verify', lone(chain[0].bytes.subarray(0, 50))), /not an evidence chain: .*entry header: needs 88 bytes/);
    });

    test('an absurd record length: no allocation, no hang', async () => {
      const bytes = chain[0].bytes.slice(0, 88 + 12);
      new DataView(bytes.buffer).setUint32(88 + 4, 0xfffffff0, true);
      expectOneLineError(await runCli('verify', lone(bytes)), /claims 4294967280 bytes/);
    });

    test('an unknown record type in a correctly signed entry', async () => {
      // A record type this verifier does not know, in an entry honestly sealed with the device key.
      const header = { kind: EntryKind.Journal, flags: 0, deviceId: 'QC-FUTURE-1', seq: 0, session: 1, recording: 0, wallStart: 0, monoStart: 0, prevLink: genesisLink('QC-FUTURE-1') } as const;
      const w = new EntryWriter(header);
      const parts = [w.headerBytes];
      for (const f of [w.frame({ type: 'device-key', t: 0, data: { publicKey: deviceSigner.publicKey, store: 'software' } }), w.frameRaw(0x02ee, 1, Uint8Array.from([1, 2, 3]))])
        parts.push(...recordPieces(f));
      parts.push(w.seal(deviceSigner, 1).bytes);
      const r = await runCli('verify', lone(concatBytes(parts)), '--device-key', keyFile);
      expectOneLineError(r, /unsupported record type 0x02ee/);
    });
  });

  test('an absurd length in one entry of a real chain is that entry\'s problem, not a crash', async () => {
    const files: EntryFile[] = copyFiles(chain);
    new DataView(files[3].bytes.buffer).setUint32(88 + 4, 0x7fffffff, true);
    const r = await runCli('verify', writeChain(files));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^truncated at 3: .*claims 2147483647 bytes/m);
  });

  test('the installed command behaves the same (exit codes, stderr)', () => {
    expect(runBin('verify', dir).code).toBe(0);
    const bad = runBin('verify', dir, '--nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('quancheng verify: unknown option --nope\n');
    const help = runBin('help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/quancheng verify PATH/);
  });

  test('a directory that cannot be read is bad input', async () => {
    const d = tempDir('unreadable');
    mkdirSync(join(d, 'ev'));
    writeFileSync(join(d, 'ev', 'x.txt'), 'not an entry');
    expectOneLineError(await runCli('verify', d), /no evidence entries/);
  });
});

describe('quancheng verify: art. 14 deadlines and local time', () => {
  const dir = writeChain(sampleChain());
  test('each recording shows its offload deadline, judged at --at; overdue is flagged', async () => {
    const before = await runCli('verify', dir, '--at', '2026-11-27T09:00:00+08:00');
    expect(before.stdout).toMatch(/recording 1: 2026-11-26 09:00:01 \+08:00 .*offload by 2026-12-07: pending/);
    const after = await runCli('verify', dir, '--at', '2026-12-08T09:00:00+08:00', '--json');
    const rec = JSON.parse(after.stdout).compliance.recordings[0];
    expect(rec.offload).toMatchObject({ day: '2026-12-07', status: 'overdue', covered: true });
    expect(rec.flags).toContain('not in the designated store by 2026-12-07: offload overdue (art. 14)');
  });
  test('times print in the unit offset given', async () => {
    const r = await runCli('verify', dir, '--utc-offset', '+00:00', '--at', '2026-11-27T09:00:00Z');
    expect(r.stdout).toMatch(/recording 1: 2026-11-26 01:00:01 \+00:00/);
  });
  test('bad --at and --utc-offset are one-line errors', async () => {
    expectOneLineError(await runCli('verify', dir, '--at', 'tomorrow'), /--at must be an ISO 8601 time/);
    expectOneLineError(await runCli('verify', dir, '--utc-offset', '8'), /--utc-offset must look like \+08:00/);
  });
});
