// An encrypting unit in both engines and through power cuts: the firmware's cipher, key wrap
// and secure-element ECDH give the same bytes in the real XS engine as in Node, and boot
// recovery reseals an encrypted entry a cut left open (it frames nothing, so it needs no key).
import { HEADER_FLAG_ENCRYPTED, parseEntry } from '../../firmware/core/evidence';
import { simStoreKey } from '../../host-sim/keys/sim-store-key';
import { resolveScenario } from '../../host-sim/scenario/builtin';
import { runScenario } from '../../host-sim/scenario/run';
import type { Scenario } from '../../host-sim/scenario/types';
import { runScenarioXs } from '../../host-sim/xs/device-host';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { isEvidencePath } from '../../host-sim/card/card-files';
import { openEntry } from '../../tools/crypto/decrypt-entry';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const encrypted = resolveScenario('encrypted');
/** The same, without a card: media entries on the NOR (QVGA), where the power cuts land. */
const onNor: Scenario = { ...encrypted, name: 'encrypted-nor', device: { ...encrypted.device, card: null } };

test('the encrypted scenario: the same NOR image and card contents in XS as in Node', () => {
  const node = runScenario(encrypted, { seed: 5 });
  const xs = runScenarioXs(encrypted, { seed: 5 });
  expect(node.verify.ok).toBe(true);
  expect(node.verify.encrypted).toEqual({ entries: node.report.entries.length, contentRead: false });
  const nodeCard = node.device.slot.card ?? node.device.pulledCard;
  const xsCard = xs.device.sim.slot.card ?? xs.device.sim.pulledCard;
  expect(nodeCard!.counters.writes).toBeGreaterThan(100);
  expect(xsCard!.contentDigest()).toBe(nodeCard!.contentDigest());
  expect(sameBytes(xs.image, node.image)).toBe(true);
  expect(xs.report.entries).toEqual(node.report.entries);
});

describe('power cuts during an encrypted recording', () => {
  const key = simStoreKey(7).privateKey;
  const whole = runScenario(onNor, { seed: 7 });
  const ops = whole.report.flash.programs + whole.report.flash.erases;

  test.each([0.2, 0.5, 0.8])('cut at %p of the run: recovered, intact, every entry encrypted and opened by the store key', (at) => {
    const r = runScenario(onNor, { seed: 7, cutAtOp: Math.floor(ops * at) });
    expect(r.report.powerCuts).toBe(1);
    expect(r.verify.problems).toEqual([]);
    const files = readVolumeFiles(r.device.lfs!, isEvidencePath).filter((f) => f.path.endsWith('.qce'));
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const e = parseEntry(f.bytes);
      expect(e.header.flags & HEADER_FLAG_ENCRYPTED).toBe(HEADER_FLAG_ENCRYPTED);
      expect(openEntry(e, key).records.length).toBe(e.records.length);
    }
  });
});
