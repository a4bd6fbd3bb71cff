// ls / extract / verify on storage partition images, and an independent littlefs reading them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream } from '../../host-sim/workload/recording';
import { publicKeyPem } from '../../host-sim/crypt/node-checker';
import { expectOneLineError, runCli, tempDir } from '../support/cli';
import { python, pythonHas } from '../support/python';

function recordedImage(): { image: string; rig: StorageRig; key: string } {
  const rig = new StorageRig({ blockCount: 128 });
  rig.store.beginRecording(1);
  new RecordingStream().run(rig.store, rig.clock, 3000);
  rig.store.endRecording();
  rig.store.journal('mark', { recording: 0, label: 'after' });
  rig.store.tick(); // the journal entry stays open: an image taken mid-shift
  const dir = tempDir('image');
  const image = join(dir, 'flash.img');
  rig.nor.save(image);
  const key = join(dir, 'device.pem');
  writeFileSync(key, publicKeyPem(rig.signer.publicKey));
  return { image, rig, key };
}

describe('storage images', () => {
  const { image, rig, key } = recordedImage();

  test('ls lists the volume', async () => {
    const r = await runCli('ls', image);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+\d+  chain\/head$/m);
    expect(r.stdout).toMatch(/ev\/0000000\/0000000001\.qce$/m);
    expect(r.stdout).toMatch(/open\/0000000002\.open$/m);
    const j = JSON.parse((await runCli('ls', image, '--json')).stdout);
    expect(j.blocks).toBe(128);
  });

  test('extract copies every file byte for byte; the copy verifies like the image', async () => {
    const out = join(tempDir('x'), 'out');
    const r = await runCli('extract', image, out);
    expect(r.code).toBe(0);
    for (const f of rig.entryFiles()) expect(readFileSync(join(out, f.path)).equals(Buffer.from(f.bytes))).toBe(true);
    const a = JSON.parse((await runCli('verify', image, '--json', '--device-key', key)).stdout);
    const b = JSON.parse((await runCli('verify', out, '--json', '--device-key', key)).stdout);
    expect(a.ok).toBe(true);
    expect(b).toEqual(a);
    expect(a.notes.join()).toMatch(/0000000002.open: entry 2 is open/);
  });

  test('extract refuses a non-empty target and writes nothing', async () => {
    const d = tempDir('busy');
    writeFileSync(join(d, 'keep'), 'x');
    expectOneLineError(await runCli('extract', image, d), /exists and is not empty/);
    expect(readdirSync(d)).toEqual(['keep']);
  });

  describe('bad images: one line, exit 2, nothing written', () => {
    const dir = tempDir('bad');
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated', readFileSync(image).subarray(0, 4096 * 3 + 100), /not a whole number of 4096-byte blocks/],
      ['wrong geometry (cut to fewer blocks)', readFileSync(image).subarray(0, 4096 * 64), /not a readable littlefs volume/],
      ['not littlefs', new Uint8Array(4096 * 16).fill(0x5a), /not a readable littlefs volume/],
      ['blank flash', new Uint8Array(4096 * 16).fill(0xff), /not a readable littlefs volume/],
    ];
    test.each(cases)('%s', async (name, bytes, pattern) => {
      const p = join(dir, `${name.replace(/\W+/g, '-')}.img`);
      writeFileSync(p, bytes);
      for (const cmd of [['ls', p], ['verify', p]]) expectOneLineError(await runCli(...cmd), pattern);
      const out = join(dir, `out-${name.replace(/\W+/g, '-')}`);
      expectOneLineError(await runCli('extract', p, out), pattern);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((n) => n.startsWith('.out'))).toEqual([]);
    });
    test('missing image', async () => expectOneLineError(await runCli('ls', join(dir, 'none.img')), /no such file/));
  });

  test('an independent littlefs (littlefs-python) reads the same files byte for byte', () => {
    if (!pythonHas('littlefs')) return;
    const script = resolve(__dirname, '../../host-sim/littlefs/crosscheck.py');
    const r = spawnSync(python(), [script, image], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status).toBe(0);
    const listing: { entries: { path: string; type: string; sha256: string }[] } = JSON.parse(r.stdout);
    const ours = rig.entryFiles();
    const theirs = new Map(listing.entries.filter((e) => e.type === 'file').map((e) => [e.path.replace(/^\//, ''), e.sha256]));
    expect(ours.length).toBeGreaterThan(2);
    for (const f of ours) {
      expect(theirs.get(f.path)).toBe(createHash('sha256').update(f.bytes).digest('hex'));
    }
  });
});
