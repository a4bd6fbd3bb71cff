// Shared fixtures for chain tests: a signed sample chain and helpers to tamper with copies.
import { verifyChain, type EntryFile, type VerifyOptions, type VerifyReport } from '../../firmware/core/evidence';
import { buildSampleChain, type SampleChainOptions } from '../../host-sim/evidence/sample-chain';
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import { nodeChecker } from '../../tools/crypto/node-checker';

export const deviceSigner = SoftSigner.fromSeed('device-under-test');
export const attackerSigner = SoftSigner.fromSeed('someone-else');

export function sampleChain(extra: Partial<SampleChainOptions> = {}): EntryFile[] {
  return buildSampleChain({ signer: deviceSigner, ...extra });
}

export function copyFiles(files: readonly EntryFile[]): EntryFile[] {
  return files.map((f) => ({ path: f.path, bytes: f.bytes.slice() }));
}

export function verify(files: readonly EntryFile[], options: Partial<VerifyOptions> = {}): VerifyReport {
  return verifyChain(files, { checker: nodeChecker, ...options });
}

export function kinds(report: VerifyReport): string[] {
  return [...new Set(report.problems.map((p) => p.kind))].sort();
}
