// Shared fixtures for chain tests: a signed sample chain and helpers to tamper with copies.
import { createECDH, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import {
  buildEntry,
  decodePayload,
  entryPath,
  genesisLink,
  HEADER_FLAG_ENCRYPTED,
  parseEntry,
  verifyChain,
  type EntryFile,
  type EntryHeader,
  type EvidenceRecord,
  type Signer,
  type VerifyOptions,
  type VerifyReport,
} from '../../firmware/core/evidence';
import { PayloadCipher } from '../../firmware/core/evidence/payload-cipher';
import { wrapContentKey } from '../../tools/crypto/content-key';
import { buildSampleChain, type SampleChainOptions } from '../../host-sim/evidence/sample-chain';
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

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

/** A designated store's content key pair, from a seed (deterministic). */
export function storeContentKey(seed = 'designated-store'): { privateKey: KeyObject; publicPoint: Uint8Array } {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(createHash('sha256').update(seed).digest());
  const pub = ecdh.getPublicKey();
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: ecdh.getPrivateKey().toString('base64url'), x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  return { privateKey, publicPoint: new Uint8Array(pub) };
}

const seeded = (label: string, n: number) => new Uint8Array(createHash('sha256').update(label).digest().subarray(0, n));

/**
 * The same chain with every entry encrypted (FORMAT §7a): each entry's records decoded and
 * written again behind a `content-key` record (a fresh content key per entry, wrapped with a
 * software ephemeral key to `storePublic`), re-linked and re-signed. The records are those
 * of `clear`, so media read back with the store key must equal the clear chain's.
 */
export function encryptChain(clear: readonly EntryFile[], storePublic: Uint8Array, signer: Signer = deviceSigner): EntryFile[] {
  const out: EntryFile[] = [];
  let prevLink: Uint8Array | undefined;
  for (const f of [...clear].sort((a, b) => a.path.localeCompare(b.path))) {
    const e = parseEntry(f.bytes);
    const h = e.header;
    const records: EvidenceRecord[] = e.records.map((s) => decodePayload(s.code, s.t, s.payload));
    const K = seeded(`content/${h.deviceId}/${h.seq}`, 16);
    const w = wrapContentKey(K, storePublic, seeded(`ephemeral/${h.deviceId}/${h.seq}`, 32), { deviceId: h.deviceId, seq: h.seq });
    const header: EntryHeader = { ...h, flags: h.flags | HEADER_FLAG_ENCRYPTED, prevLink: prevLink ?? genesisLink(h.deviceId) };
    const { bytes, seal } = buildEntry(header, [{ type: 'content-key', t: 0, data: w }, ...records], signer, e.seal.t, e.seal.flags, new PayloadCipher(K));
    prevLink = seal.link;
    out.push({ path: entryPath(h.seq), bytes });
  }
  return out;
}
