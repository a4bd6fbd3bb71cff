// Node and XS give byte-identical ciphertexts and wraps from the same firmware code.
import { bundleForXs } from '../../host-sim/xs/bundle';
import { XsWorker } from '../../host-sim/xs/driver';
import { StorageBridge, type BridgeHeader } from '../../host-sim/xs/host-bridge';
import { decodeMessage, encodeMessage, errorData } from '../../host-sim/xs/protocol';
import { SoftSigner } from '../../host-sim/keys/soft-signer';
import type { Directory } from 'embedded:storage/files';
import { PayloadCipher } from '../../firmware/core/evidence/payload-cipher';
import { aesKeyWrap, hkdfSha256 } from '../../firmware/core/evidence/key-wrap';
import { encryptSample } from './fixtures/encrypt-sample';

test('payload streams, HKDF and key wrap: the same bytes in XS as in Node', async () => {
  // The probe touches no file: the root directory is never asked for.
  const bridge = new StorageBridge(undefined as unknown as Directory, SoftSigner.fromSeed('QC-SIM-0001'));
  const w = new XsWorker({
    onCommand: (m) => {
      const { header, blob } = decodeMessage<BridgeHeader>(m);
      try {
        const out = bridge.serve(header, blob)!;
        return out.value instanceof Uint8Array ? encodeMessage({}, out.value) : encodeMessage({ value: out.value });
      } catch (e) {
        return encodeMessage({ error: errorData(e) });
      }
    },
  });
  try {
    await w.evaluate(await bundleForXs('tests/xs/fixtures/encrypt-probe.ts'));
    const r = decodeMessage<{ value: string[]; error?: unknown }>((await w.command(encodeMessage({ length: 3000 }))).reply).header;
    expect(r.error).toBeUndefined();
    const node = encryptSample(3000, { PayloadCipher, aesKeyWrap, hkdfSha256 });
    expect(node).toHaveLength(5);
    expect(r.value).toEqual(node);
  } finally {
    w.close();
  }
});
