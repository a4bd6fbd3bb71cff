// A storage workload as data: steps run against an EvidenceStore and a VirtualClock, by the
// same interpreter in Node and in XS, so both engines run exactly the same calls.
import type { EvidenceStore } from '../../firmware/core/storage';
import type { RecordData, RecordName } from '../../firmware/core/evidence';
import { RecordingStream } from '../workload/recording';
import type { VirtualClock } from '../time/virtual-clock';

export type Step =
  /** store.journal(type, data); data is JSON (no byte fields). */
  | { op: 'journal'; type: RecordName; data: unknown }
  | { op: 'beginRecording'; recording: number; since?: number }
  /** Runs media stream `stream` (created with `seed` on first use, default profile) for `ms`. */
  | { op: 'stream'; stream: number; seed: number; ms: number }
  | { op: 'endRecording' }
  | { op: 'advance'; ms: number }
  | { op: 'tick' }
  | { op: 'sealOpen' }
  | { op: 'shutdown' };

export class StepRunner {
  readonly store: EvidenceStore;
  readonly clock: VirtualClock;
  readonly #streams = new Map<number, RecordingStream>();

  constructor(store: EvidenceStore, clock: VirtualClock) {
    this.store = store;
    this.clock = clock;
  }

  run(step: Step): void {
    const s = this.store;
    switch (step.op) {
      case 'journal':
        s.journal(step.type, step.data as RecordData<RecordName>);
        break;
      case 'beginRecording':
        s.beginRecording(step.recording, step.since);
        break;
      case 'stream': {
        let stream = this.#streams.get(step.stream);
        if (!stream) this.#streams.set(step.stream, (stream = new RecordingStream(undefined, step.seed)));
        stream.run(s, this.clock, step.ms);
        break;
      }
      case 'endRecording':
        s.endRecording();
        break;
      case 'advance':
        this.clock.advance(step.ms);
        break;
      case 'tick':
        s.tick();
        break;
      case 'sealOpen':
        s.sealOpen();
        break;
      case 'shutdown':
        s.shutdown();
        break;
      default:
        throw new Error(`unknown step ${JSON.stringify(step)}`);
    }
  }
}

/** tests/support/store-sweep.ts's workload, step for step. */
export function sweepSteps(): Step[] {
  const stream = (): Step => ({ op: 'stream', stream: 1, seed: 7, ms: 500 });
  return [
    { op: 'journal', type: 'officer', data: { name: '李明', certificate: '53032419001', unit: 'luoping', assignedBy: 'tech-01' } },
    { op: 'beginRecording', recording: 1 },
    { op: 'journal', type: 'record-start', data: { recording: 1, trigger: 'button', preEventMs: 0, profile: 'vga-5-16k' } },
    ...Array.from({ length: 8 }, stream),
    { op: 'journal', type: 'mark', data: { recording: 1, label: 'key moment' } },
    ...Array.from({ length: 4 }, stream),
    { op: 'journal', type: 'record-stop', data: { recording: 1, cause: 'officer', durationMs: 6000 } },
    { op: 'endRecording' },
    { op: 'advance', ms: 4000 },
    { op: 'tick' },
    { op: 'shutdown' },
  ];
}
