// A short scenario for the XS engine's tests: a 24 s recording with a mark.
import { parseScenario } from '../../host-sim/scenario/load';
import type { Scenario } from '../../host-sim/scenario/types';

/** Record at 2 s, mark at 12 s, stop at 26 s, switch off at 28 s. */
export const SHORT: Scenario = parseScenario(
  {
    name: 'xs-short',
    description: 'A short recording with a mark, for the XS engine.',
    device: { deviceId: 'QC-SIM-0001', blockCount: 512, preEventSeconds: 5, start: '2026-11-26T11:00:00+08:00' },
    officer: { name: '李明', certificate: '53032419001', unit: '罗平县市场监督管理局' },
    timeline: [
      { at: '00:00:02', do: 'press', button: 'record' },
      { at: '00:00:12', do: 'press', button: 'mark' },
      { at: '00:00:26', do: 'press', button: 'record' },
      { at: '00:00:28', do: 'end' },
    ],
  },
  'xs-short',
);
