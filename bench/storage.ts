// Storage figures from the NOR flash model (deterministic: operation counts and modeled
// device time, not the host's speed).
import { StorageRig } from '../host-sim/storage/rig';
import { DEFAULT_PROFILE, RecordingStream } from '../host-sim/workload/recording';
import type { Figure } from './figure';

/** Raw NOR cost of storing one byte: its share of a 4 KB erase and of a 256 B page program. */
function rawMsPerByte(rig: StorageRig): number {
  const t = rig.nor.timings;
  return t.sectorEraseMs / rig.nor.geometry.blockSize + t.pageProgramMs / t.pageSize;
}

interface Steady {
  evidence: number;
  programmed: number;
  busyMs: number;
  syncs: number;
  raw: number;
}

function recordSteadily(seconds: number, alignCommits: boolean): Steady {
  const rig = new StorageRig({ blockCount: 2048, store: { alignCommits } });
  const { store, clock, nor } = rig;
  store.beginRecording(1);
  const before = { ...nor.counters };
  const bytesBefore = store.bytesStored;
  const stream = new RecordingStream(DEFAULT_PROFILE, 3);
  stream.run(store, clock, seconds * 1000);
  store.endRecording();
  const c = nor.counters;
  return {
    evidence: store.bytesStored - bytesBefore,
    programmed: c.bytesProgrammed - before.bytesProgrammed,
    busyMs: c.timeMs - before.timeMs,
    syncs: c.syncs - before.syncs,
    raw: rawMsPerByte(rig),
  };
}

export function steadyRecording(): Figure[] {
  const seconds = 60;
  const { evidence, programmed, busyMs, syncs, raw } = recordSteadily(seconds, true);
  const naive = recordSteadily(seconds, false);
  const rawBound = 1000 / raw; // bytes per second
  const rate = evidence / seconds;
  return [
    { figure: 'write amplification, steady recording (NOR)', value: programmed / evidence, unit: 'ratio', aim: '≤ 1.15', method: `bytes programmed ÷ entry bytes, ${seconds} s of ${DEFAULT_PROFILE.name} (${(rate / 1000).toFixed(1)} KB/s of evidence)` },
    { figure: 'sustained evidence rate ÷ raw NOR bound (modeled)', value: (evidence * raw) / busyMs, unit: 'ratio', aim: '≥ 0.85', method: `raw bound ${(rawBound / 1000).toFixed(1)} KB/s (45 ms per 4 KB erase + 0.4 ms per 256 B page); store's modeled flash time for the same bytes` },
    { figure: `flash busy time per second of ${DEFAULT_PROFILE.name}`, value: busyMs / (seconds * 1000), unit: 'ratio', aim: '≤ 0.7', method: 'modeled reads + programs + erases ÷ recorded time' },
    { figure: 'commits (syncs) per second of recording', value: syncs / seconds, unit: '/s', aim: '', method: 'littlefs syncs reaching the flash, block-boundary policy, 1 s window' },
    { figure: 'write amplification, commits ignoring block ends', value: naive.programmed / naive.evidence, unit: 'ratio', aim: '', method: 'the same run committing every 1 s wherever the file ends (what block-boundary commits save)' },
  ];
}

interface BootCost {
  /** littlefs mount alone. */
  mountBytes: number;
  /** The store's boot: recovery of the open entry, checkpoint, boot journal. */
  storeBytes: number;
  reads: number;
  timeMs: number;
}

/** Boot after a power cut mid-recording on a volume holding `entries` sealed entries: flash bytes read. */
function bootReads(entries: number): BootCost {
  const rig = new StorageRig({ blockCount: 2048, store: { journalSealMs: 60_000 } });
  const { store, clock } = rig;
  for (let i = 0; i < entries - 1; i++) {
    store.journal('mark', { recording: 0, label: `entry ${i}` });
    clock.advance(1000);
    store.sealOpen();
  }
  store.beginRecording(1);
  new RecordingStream(DEFAULT_PROFILE, 5).run(store, clock, 3000);
  rig.nor.cutPower();
  rig.restorePower();
  const before = { ...rig.nor.counters };
  rig.mount();
  const mounted = { ...rig.nor.counters };
  const after = rig.openStore();
  if (after.boot.recovered.length !== 1) throw new Error('benchmark: the open entry was not recovered');
  const c = rig.nor.counters;
  return { mountBytes: mounted.bytesRead - before.bytesRead, storeBytes: c.bytesRead - mounted.bytesRead, reads: c.reads - before.reads, timeMs: c.timeMs - before.timeMs };
}

export function bootScaling(): Figure[] {
  const small = bootReads(10);
  const large = bootReads(1000);
  const total = (b: BootCost) => b.mountBytes + b.storeBytes;
  return [
    { figure: 'store boot-and-recover flash reads, 1000 ÷ 10 entries', value: large.storeBytes / small.storeBytes, unit: 'ratio', aim: '≤ 1.5', method: `bytes read by recovery, checkpoint and boot journal after mount: ${large.storeBytes} vs ${small.storeBytes}` },
    { figure: 'whole boot flash reads (with littlefs mount), 1000 ÷ 10', value: total(large) / total(small), unit: 'ratio', aim: '', method: `littlefs mount walks every metadata pair for global state: ${large.mountBytes} vs ${small.mountBytes} bytes` },
    { figure: 'boot-and-recover modeled flash time, 1000 entries', value: large.timeMs, unit: 'ms', aim: '', method: 'reads, programs and erases of the boot after a power cut, NOR model' },
  ];
}
