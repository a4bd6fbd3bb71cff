// The card in the real XS engine: firmware/main.ts reaches "embedded:storage/card" through the
// XS bridge (host-sim/xs/bridge/card.ts) to the same CardHost and card model the Node run uses.
// The built-in card scenario (VGA on a card, the card pulled mid-recording and put back) gives
// the same NOR image and the same card contents, byte for byte, in both engines.
import { resolveScenario } from '../../host-sim/scenario/builtin';
import { runScenario } from '../../host-sim/scenario/run';
import { runScenarioXs } from '../../host-sim/xs/device-host';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

test('the card scenario: the same NOR image and card contents in XS as in Node', () => {
  const s = resolveScenario('card');
  const node = runScenario(s, { seed: 3 });
  const xs = runScenarioXs(s, { seed: 3 });
  expect(node.verify.ok).toBe(true);
  expect(xs.verify.ok).toBe(true);
  const nodeCard = node.device.slot.card ?? node.device.pulledCard;
  const xsCard = xs.device.sim.slot.card ?? xs.device.sim.pulledCard;
  // The recording went to the card, and the card was pulled out and put back in both runs.
  expect(nodeCard!.counters.writes).toBeGreaterThan(100);
  expect(xsCard!.counters.writes).toBe(nodeCard!.counters.writes);
  expect(xsCard!.contentDigest()).toBe(nodeCard!.contentDigest());
  expect(sameBytes(xs.image, node.image)).toBe(true);
  expect(xs.report.head).toEqual(node.report.head);
  expect(xs.report.entries).toEqual(node.report.entries);
  expect(xs.report.virtualMs).toBe(node.report.virtualMs);
  // The pull is an interruption the officer explained on resume, in both.
  const reasons = (r: { verify: typeof node.verify }) => r.verify.compliance.recordings.flatMap((v) => v.interruptions.map((i) => i.reason));
  expect(reasons(xs)).toEqual(reasons(node));
  expect(reasons(xs)).toContain('storage-fault');
});
