// The whole firmware (firmware/main.ts) on the simulated unit with a card: the built-in "card"
// scenario records at vga-10-16k, the card is pulled out mid-recording and put back; the
// recording is interrupted (storage fault), resumed with its explanation, and nothing is lost.
import { decodePayload, parseEntry, RECORDS } from '../../firmware/core/evidence';
import { cardEntryFiles } from '../../host-sim/card/card-files';
import { resolveScenario } from '../../host-sim/scenario/builtin';
import { runScenario } from '../../host-sim/scenario/run';
import { runCli, tempDir } from '../support/cli';
import { join } from 'node:path';

describe('scenario "card"', () => {
  const result = runScenario(resolveScenario('card'), { seed: 1 });
  const card = result.device.slot.card!;

  test('the chain over the flash and the card verifies; the interruption is a storage fault, resumed and explained', () => {
    expect(result.verify.problems).toEqual([]);
    const rec = result.verify.compliance.recordings[0];
    expect(rec.interruptions).toEqual([expect.objectContaining({ reason: 'storage-fault', detail: 'card: the card was pulled out', needsWrittenReport: false, resumed: expect.objectContaining({ gapMs: expect.any(Number) }), explanation: expect.objectContaining({ durationMs: 15000 }) })]);
    expect(rec.frames).toBeGreaterThan(1400);
  });

  test('frames are VGA and live on the card; the journal says what the card did', () => {
    const onCard = cardEntryFiles(card).filter((f) => f.path.endsWith('.qce') || f.path.endsWith('.qcp'));
    expect(onCard.length).toBeGreaterThanOrEqual(1);
    const frame = parseEntry(onCard.find((f) => f.path.endsWith('.qce'))!.bytes).records.find((r) => r.code === RECORDS['video-frame'].code)!;
    expect(decodePayload(frame.code, frame.t, frame.payload).data).toMatchObject({ width: 640, height: 480 });
    const events = result.report.entries.length;
    expect(events).toBeGreaterThanOrEqual(4);
  });

  test('quancheng sim writes card.img beside flash.img, and verify --card reads them', async () => {
    const out = join(tempDir('sim-card'), 'run');
    const sim = await runCli('sim', '--scenario', 'card', '--out', out);
    expect(sim.code).toBe(0);
    expect(sim.stdout).toMatch(/card: \d+ writes, .* image .*card\.img \(sparse\)/);
    const v = await runCli('verify', join(out, 'flash.img'), '--card', join(out, 'card.img'));
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/storage-fault: resumed, explained/);
  });
});
