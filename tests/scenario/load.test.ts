import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../host-sim/scenario/load';
import { tempDir } from '../support/cli';

const base = () => ({
  name: 't',
  device: { start: '2026-11-26T08:30:00+08:00' },
  timeline: [
    { at: '00:00:05', do: 'press', button: 'record' },
    { at: '00:01:00', do: 'end' },
  ],
});

describe('scenario loader', () => {
  test('a minimal scenario gets its defaults', () => {
    const s = parseScenario(base());
    expect(s.device).toMatchObject({ deviceId: 'QC-SIM-0001', blockCount: 2048, preEventSeconds: 30, rtcLost: false });
    expect(s.device.start).toBe(Date.parse('2026-11-26T00:30:00Z'));
    expect(s.timeline[0]).toEqual({ at: 5000, do: 'press', button: 'record', gesture: 'short' });
  });

  const bad: [string, (s: ReturnType<typeof base>) => unknown, RegExp][] = [
    ['unknown event', (s) => ((s.timeline[0] as Record<string, unknown>).do = 'explode'), /timeline\[0\]\.do: unknown event "explode"/],
    ['time going backwards', (s) => s.timeline.splice(1, 0, { at: '00:00:01', do: 'press', button: 'mark' }), /timeline\[1\]\.at: time goes backwards/],
    ['out-of-range value', (s) => s.timeline.splice(1, 0, { at: '00:00:06', do: 'battery', percent: 140 } as never), /timeline\[1\]\.percent: expected a number from 0 to 100/],
    ['bad time offset', (s) => (s.timeline[0].at = '5 minutes'), /timeline\[0\]\.at: expected a time offset/],
    ['unknown key', (s) => ((s.device as Record<string, unknown>).colour = 'red'), /device\.colour: unknown key/],
    ['no end', (s) => s.timeline.pop(), /the last event must be "end"/],
    ['start without offset', (s) => (s.device.start = '2026-11-26T08:30:00'), /device\.start: expected an ISO 8601 time with its offset/],
    ['bad button', (s) => ((s.timeline[0] as Record<string, unknown>).button = 'power'), /button: expected one of record, mark, both/],
  ];
  test.each(bad)('%s → one clear line', (_name, mutate, pattern) => {
    const s = base();
    mutate(s);
    let err: unknown;
    try {
      parseScenario(s, 'x.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).not.toMatch(/\n/);
  });

  test('malformed JSON and missing files', () => {
    const d = tempDir('scn');
    const p = join(d, 'bad.json');
    writeFileSync(p, '{"name": "x", ');
    expect(() => loadScenarioFile(p)).toThrow(/bad.json: not valid JSON/);
    expect(() => loadScenarioFile(join(d, 'none.json'))).toThrow(/cannot read the scenario file/);
  });
});
