// A second implementation, written from docs/FORMAT.md alone (tests/independent/verify_chain.py,
// Python standard library with its own ECDSA), must agree with ours: the format is the
// document, not this codebase.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { toHex, verifyChain } from '../../firmware/core/evidence';
import { StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream } from '../../host-sim/workload/recording';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { copyFiles, deviceSigner, sampleChain } from '../support/chain';
import { tempDir, writeChain } from '../support/cli';
import { python } from '../support/python';

const SCRIPT = join(__dirname, 'verify_chain.py');

function independent(dir: string, ...args: string[]): { status: number; report: { ok: boolean; head: { seq: number; link: string }; problems: { kind: string; seq: number }[] } } {
  const r = spawnSync(python(), [SCRIPT, dir, ...args], { encoding: 'utf8', maxBuffer: 32 << 20 });
  return { status: r.status ?? -1, report: JSON.parse(r.stdout) };
}

describe('independent verifier (Python, from FORMAT.md)', () => {
  test('accepts the golden vectors', () => {
    const r = independent(join(__dirname, '..', 'vectors', 'chain'));
    expect(r.status).toBe(0);
    expect(r.report.ok).toBe(true);
  });

  test('agrees with ours on a sample chain: same verdict, same head', () => {
    const files = sampleChain({ recordings: 2, mediaEntries: 2, frameBytes: 300 });
    const dir = writeChain(files);
    const ours = verifyChain(files, { checker: nodeChecker });
    const theirs = independent(dir, '--device-key', toHex(deviceSigner.publicKey));
    expect(theirs.status).toBe(0);
    expect(theirs.report.head).toEqual({ seq: ours.head!.seq, link: ours.head!.hash });
  });

  test('agrees on a chain the evidence store wrote to flash (with a recovered entry)', () => {
    const rig = new StorageRig({ blockCount: 128 });
    rig.store.beginRecording(1);
    new RecordingStream().run(rig.store, rig.clock, 2500);
    rig.nor.cutPower();
    rig.powerOn();
    rig.store.shutdown();
    const files = rig.entryFiles();
    const ours = verifyChain(files, { checker: nodeChecker, deviceKey: rig.signer.publicKey });
    expect(ours.ok).toBe(true);
    const theirs = independent(writeChain(files), '--device-key', toHex(rig.signer.publicKey));
    expect(theirs.status).toBe(0);
    expect(theirs.report.head.link).toBe(ours.head!.hash);
  });

  test('both reject the same tampering', () => {
    const files = copyFiles(sampleChain({ frameBytes: 200 }));
    files[2].bytes[150] ^= 1;
    const dir = writeChain(files.filter((_, i) => i !== 4));
    const ours = verifyChain(files.filter((_, i) => i !== 4), { checker: nodeChecker });
    const theirs = independent(dir);
    expect(ours.ok).toBe(false);
    expect(theirs.status).toBe(1);
    const kinds = (ps: { kind: string; seq: number | null }[]) => new Set(ps.filter((p) => p.kind === 'missing' || p.kind === 'modified').map((p) => `${p.kind}@${p.seq}`));
    expect(kinds(theirs.report.problems)).toEqual(kinds(ours.problems));
  });

  test('bad input is exit 2 for it too', () => {
    const d = tempDir('empty');
    expect(spawnSync(python(), [SCRIPT, d]).status).toBe(2);
    rmSync(d, { recursive: true });
  });
});
