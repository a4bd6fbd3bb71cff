// The `crypt` cipher bridge: firmware in real XS gets the same AES-CTR bytes as node:crypto,
// one host call per encrypt whatever its size (XS does no per-byte work).
import { createCipheriv } from 'node:crypto';
import { bundleForXs } from '../../host-sim/xs/bundle';
import { XsWorker } from '../../host-sim/xs/driver';
import { StorageBridge, type BridgeHeader } from '../../host-sim/xs/host-bridge';
import { decodeMessage, encodeMessage, errorData } from '../../host-sim/xs/protocol';
import { LfsDirectory } from '../../host-sim/files/lfs-directory';
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import type { Directory } from 'embedded:storage/files';

describe('crypt BlockCipher and Mode("CTR") in XS', () => {
  let w: XsWorker;
  let calls: string[];
  beforeAll(async () => {
    calls = [];
    // The probe touches no file: the root directory is never asked for.
    const bridge = new StorageBridge(undefined as unknown as Directory, SoftSigner.fromSeed('QC-SIM-0001'));
    w = new XsWorker({
      onCommand: (m) => {
        const { header, blob } = decodeMessage<BridgeHeader>(m);
        calls.push(header.op);
        try {
          const out = bridge.serve(header, blob)!;
          return out.value instanceof Uint8Array ? encodeMessage({}, out.value) : encodeMessage({ value: out.value });
        } catch (e) {
          return encodeMessage({ error: errorData(e) });
        }
      },
    });
    await w.evaluate(await bundleForXs('tests/xs/fixtures/cipher-probe.ts'));
  });
  afterAll(() => w.close());

  async function probe(p: { key: number[]; iv: number[]; length: number; pieces: number[] }) {
    calls.length = 0;
    const r = decodeMessage<{ value: any; error?: unknown }>((await w.command(encodeMessage(p))).reply).header;
    expect(r.error).toBeUndefined();
    return r.value;
  }

  test('pieces of odd sizes give node:crypto AES-128-CTR of the whole, and decrypt back', async () => {
    const key = Array.from({ length: 16 }, (_, i) => i * 11);
    const iv = Array.from({ length: 16 }, (_, i) => (i === 15 ? 0xfe : 0xff)); // the counter carries across 2^128
    const length = 1000;
    const r = await probe({ key, iv, length, pieces: [5, 16, 300, 679] });
    const plain = Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 0xff);
    const want = createCipheriv('aes-128-ctr', Buffer.from(key), Buffer.from(iv)).update(plain);
    expect(r.cipher).toBe(want.toString('hex'));
    expect(r.roundTrip).toBe(true);
    const block = createCipheriv('aes-128-ecb', Buffer.from(key), null).setAutoPadding(false).update(plain.subarray(0, 16));
    expect(r.block).toBe(block.toString('hex'));
    expect(r.unblock).toBe(true);
    expect([r.keySize, r.blockSize]).toEqual([16, 16]);
    expect(calls.filter((c) => c === 'mode.encrypt')).toHaveLength(5); // 4 pieces + 1 decrypt
  });
});
