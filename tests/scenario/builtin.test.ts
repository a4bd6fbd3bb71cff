// Every built-in scenario: the verifier's compliance view matches what the scenario did.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePayload, parseEntry } from '../../firmware/core/evidence';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { resolveScenario } from '../../host-sim/scenario/builtin';
import { parseScenario } from '../../host-sim/scenario/load';
import { runScenario, type SimResult } from '../../host-sim/scenario/run';
import { expectOneLineError, runCli, tempDir } from '../support/cli';

/** A short recording: 20 s with a mark. */
const SHORT = parseScenario({
  name: 'short',
  device: { blockCount: 512, preEventSeconds: 2, start: '2026-11-26T09:00:00+08:00' },
  timeline: [
    { at: '00:00:03', do: 'press', button: 'record' },
    { at: '00:00:15', do: 'press', button: 'mark' },
    { at: '00:00:23', do: 'press', button: 'record' },
    { at: '00:00:25', do: 'end' },
  ],
});

const cache = new Map<string, SimResult>();
function run(name: string, seed = 1): SimResult {
  const key = `${name}/${seed}`;
  if (!cache.has(key)) cache.set(key, runScenario(resolveScenario(name), { seed }));
  return cache.get(key)!;
}
const summary = (r: SimResult) =>
  r.verify.compliance.recordings.map((x) => ({
    notice: x.notice?.outcome,
    marks: x.marks.length,
    obstructions: x.obstructions.length,
    interruptions: x.interruptions.map((i) => `${i.reason}:${i.resumed ? 'resumed' : 'open'}:${i.explanation ? 'explained' : 'unexplained'}`),
    refused: x.refusedStops.length,
    stop: x.stop?.cause ?? null,
  }));

describe('built-in scenarios', () => {
  test('notice: played from the clip; after a speaker fault the officer confirms with a mark', () => {
    const r = run('notice');
    expect(r.verify.problems).toEqual([]);
    expect(summary(r).map((x) => x.notice)).toEqual(['played', 'officer-spoke']);
  });

  test('interruptions: each with its reason and a linked explanation; the last never resumed is flagged', () => {
    const r = run('interruptions');
    expect(r.verify.problems).toEqual([]);
    expect(summary(r)[0].interruptions).toEqual(['weather:resumed:explained', 'device-fault:resumed:explained', 'low-battery:resumed:explained', 'obstruction:open:unexplained']);
    expect(r.verify.compliance.recordings[0].flags).toEqual(['interruption 4 (obstruction) never resumed: written report needed (art. 13)']);
  });

  test('continuous: refused stops journaled; the power cut is a flagged continuity gap; confirmed stop', () => {
    const r = run('continuous');
    expect(r.verify.problems).toEqual([]);
    const [rec] = summary(r);
    expect(rec).toMatchObject({ refused: 2, stop: 'continuous-confirmed', interruptions: ['power-loss:resumed:explained'] });
    expect(r.verify.compliance.recordings[0].flags).toContain('continuous-mode recording has 1 gap(s) (art. 11)');
  });

  test('powerloss: two cuts while recording, both recovered, resumed and explained; no sequence gap', () => {
    const r = run('powerloss');
    expect(r.verify.problems).toEqual([]);
    expect(summary(r)[0].interruptions).toEqual(['power-loss:resumed:explained', 'power-loss:resumed:explained']);
    expect(r.verify.compliance.events.filter((e) => /boot after power-loss, entry \d+ recovered/.test(e.summary))).toHaveLength(2);
  });

  test('storage-full: recording stops with the interruption, nothing removed, deletion refused', () => {
    const r = run('storage-full');
    expect(r.verify.problems).toEqual([]);
    expect(summary(r)[0].interruptions).toEqual(['storage-full:open:unexplained']);
    const events = r.verify.compliance.events.map((e) => e.summary).join('\n');
    expect(events).toMatch(/storage full/);
    expect(events).toMatch(/deletion of ev\/0000000\/0000000001.qce refused/);
    expect(r.report.entries.map((e) => e.seq)).toEqual(r.report.entries.map((_, i) => i));
  });

  test('deadline: warnings on the right working days across the National Day holiday and a make-up day', () => {
    const r = run('deadline');
    const local = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    const warnings = r.verify.compliance.events.filter((e) => e.type === 'deadline-warning').map((e) => `${local(e.at!)} ${e.summary}`);
    expect(warnings).toEqual([
      '2026-10-12 recording 1 offload deadline approaching (2 working days left)',
      '2026-10-14 recording 1 offload deadline due-today (0 working days left)',
      '2026-10-15 recording 1 offload deadline overdue (-1 working days left)',
    ]);
  });

  test('shift: three enforcement actions, every mark, interruption and refusal where the scenario put it', () => {
    const r = run('shift');
    expect(r.verify.problems).toEqual([]);
    expect(summary(r)).toEqual([
      { notice: 'played', marks: 1, obstructions: 0, interruptions: [], refused: 0, stop: 'officer' },
      { notice: 'played', marks: 0, obstructions: 1, interruptions: ['weather:resumed:explained'], refused: 0, stop: 'officer' },
      { notice: 'played', marks: 0, obstructions: 0, interruptions: [], refused: 1, stop: 'continuous-confirmed' },
    ]);
    // The pre-event buffer opened the first recording's media 30 s before the press.
    const media = readVolumeFiles(r.device.lfs!, (p) => p.endsWith('.qce')).map((f) => parseEntry(f.bytes).header).find((h) => h.recording === 1)!;
    expect(media.wallStart).toBeLessThanOrEqual(Date.parse('2026-11-26T08:31:00+08:00') - 29_000);
  });

  test('bad-gnss: clock set from GNSS, fix loss journaled, no wrong position recorded despite a noisy line', () => {
    const r = run('bad-gnss');
    expect(r.verify.problems).toEqual([]);
    const events = r.verify.compliance.events.map((e) => e.summary);
    expect(events.find((e) => e.startsWith('clock set by gnss: unset ->'))).toBeDefined();
    expect(events).toContain('GNSS fix lost');
    expect(events.some((e) => /^GNSS fix regained after \d+ s \([1-9]\d* satellites\)$/.test(e))).toBe(true);
    const start = Date.parse('2026-11-26T16:00:00+08:00');
    const fixes = readVolumeFiles(r.device.lfs!, (p) => p.endsWith('.qce'))
      .flatMap((f) => parseEntry(f.bytes).records)
      .filter((x) => x.code === 0x0103)
      .map((x) => decodePayload(x.code, x.t, x.payload))
      .map((x) => (x.type === 'gnss-fix' ? x.data : null)!);
    expect(fixes.length).toBeGreaterThan(60);
    for (const f of fixes) {
      const truth = r.device.gnss.truth(f.utc - start);
      const metres = Math.hypot((f.latitude / 1e7 - truth.lat) * 111_320, (f.longitude / 1e7 - truth.lon) * 101_000);
      expect(metres).toBeLessThan(30);
      // Nothing from the minute under the overpass.
      expect(f.utc - start < 90_000 || f.utc - start >= 150_000).toBe(true);
    }
  });

  test('determinism: the same scenario and seed give a byte-identical flash image; another seed other media, the same compliance', () => {
    const a = runScenario(SHORT, { seed: 1 });
    const b = runScenario(SHORT, { seed: 1 });
    expect(Buffer.from(a.image).equals(Buffer.from(b.image))).toBe(true);
    const c = runScenario(SHORT, { seed: 2 });
    expect(Buffer.from(a.image).equals(Buffer.from(c.image))).toBe(false);
    expect(summary(c)).toEqual(summary(a));
    expect(summary(a)).toEqual([{ notice: 'played', marks: 1, obstructions: 0, interruptions: [], refused: 0, stop: 'officer' }]);
  });
});

describe('quancheng sim', () => {
  test('writes flash.img and report.json and prints the verdict', async () => {
    const out = join(tempDir('sim'), 'run');
    const file = join(tempDir('scn'), 'short.json');
    writeFileSync(file, JSON.stringify({ name: 'short', device: { blockCount: 512, preEventSeconds: 0, start: '2026-11-26T09:00:00+08:00' }, timeline: [{ at: 2, do: 'press', button: 'record' }, { at: 12, do: 'press', button: 'record' }, { at: 14, do: 'end' }] }));
    const r = await runCli('sim', '--scenario', file, '--out', out, '--seed', '7');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scenario short \(seed 7, node\)/);
    expect(r.stdout).toMatch(/^INTACT/m);
    const v = await runCli('verify', join(out, 'flash.img'), '--json');
    expect(JSON.parse(v.stdout).ok).toBe(true);
  });

  test('bad input: one line, exit 2', async () => {
    const d = tempDir('scn');
    const bad = join(d, 'bad.json');
    writeFileSync(bad, '{"name": "x", "device": {"start": "2026-11-26T08:00:00+08:00"}, "timeline": [{"at": "00:00:10", "do": "press", "button": "record"}, {"at": "00:00:05", "do": "end"}]}');
    expectOneLineError(await runCli('sim', '--scenario', bad), /timeline\[1\]\.at: time goes backwards/);
    expectOneLineError(await runCli('sim', '--scenario', 'nosuch'), /unknown scenario "nosuch" \(built-ins: bad-gnss, card, continuous, deadline, encrypted, interruptions, notice, powerloss, shift, storage-full\)/);
    expectOneLineError(await runCli('sim', '--seed', 'x'), /--seed must be a whole number/);
    expectOneLineError(await runCli('sim', '--engine', 'v8'), /--engine must be node or xs/);
  });
});
