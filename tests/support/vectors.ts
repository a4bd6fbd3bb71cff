// The golden test vectors: a tiny chain and one framed record of every type, made
// deterministically. tests/vectors/ holds them; docs/FORMAT.md quotes them.
import { createHash } from 'node:crypto';
import {
  EntryWriter,
  genesisLink,
  joinRecord,
  parseEntry,
  RECORDS,
  toHex,
  EntryKind,
  type EntryFile,
} from '../../firmware/core/evidence';
import { buildSampleChain } from '../../host-sim/evidence/sample-chain';
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import { sampleRecords } from './sample-records';

export const VECTOR_DEVICE = 'QC-VECTOR-01';
export const vectorSigner = SoftSigner.fromSeed('test-vectors');

export interface Vectors {
  deviceId: string;
  privateKey: string;
  publicKey: string;
  keyId: string;
  genesisLink: string;
  entries: { path: string; size: number; fileSha256: string; seq: number; entryHash: string; link: string; signature: string }[];
  /** One framed record of every type, with its decoded fields (byte fields as hex). */
  records: { type: string; code: string; t: number; fields: Record<string, string | number>; framed: string }[];
}

export function vectorChain(): EntryFile[] {
  return buildSampleChain({
    deviceId: VECTOR_DEVICE,
    signer: vectorSigner,
    recordings: 1,
    mediaEntries: 1,
    entryMs: 2,
    frameIntervalMs: 1,
    frameBytes: 16,
    audioChunkMs: 1,
    startTime: Date.UTC(2026, 10, 26, 1, 0, 0),
  });
}

export function makeVectors(): Vectors {
  const chain = vectorChain();
  // Records are framed in an entry of their own so each check is computed as the device does.
  const w = new EntryWriter({ kind: EntryKind.Journal, flags: 0, deviceId: VECTOR_DEVICE, seq: 0, session: 1, recording: 0, wallStart: 0, monoStart: 0, prevLink: genesisLink(VECTOR_DEVICE) });
  return {
    deviceId: VECTOR_DEVICE,
    privateKey: toHex(vectorSigner.exportPrivateKey()),
    publicKey: toHex(vectorSigner.publicKey),
    keyId: toHex(vectorSigner.keyId),
    genesisLink: toHex(genesisLink(VECTOR_DEVICE)),
    entries: chain.map((f) => {
      const e = parseEntry(f.bytes);
      return {
        path: f.path,
        size: f.bytes.length,
        fileSha256: createHash('sha256').update(f.bytes).digest('hex'),
        seq: e.header.seq,
        entryHash: toHex(e.seal.entryHash),
        link: toHex(e.seal.link),
        signature: toHex(e.seal.signature),
      };
    }),
    records: sampleRecords().map((r) => ({
      type: r.type,
      code: '0x' + RECORDS[r.type].code.toString(16).padStart(4, '0'),
      t: r.t,
      fields: Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, v instanceof Uint8Array ? toHex(v) : (v as string | number)])),
      framed: toHex(joinRecord(w.frame(r))),
    })),
  };
}

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const row = Array.from(bytes.subarray(o, o + 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${o.toString(16).padStart(4, '0')}: ${row}`);
  }
  return lines.join('\n');
}
