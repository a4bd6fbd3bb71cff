// The power-cut sweep of the evidence store: a short recording, cut at flash operation N,
// power back on, and check what the rule needs to hold.
import { bytesEqual, decodePayload, parseEntry, verifyChain, type EntryFile } from '../../firmware/core/evidence';
import { StorageRig, type RigOptions } from '../../host-sim/storage/rig';
import { PowerCut } from '../../host-sim/flash/nor';
import { RecordingStream, VGA_PROFILE, type MediaProfile } from '../../host-sim/workload/recording';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

export const SWEEP_RIG: RigOptions = { blockCount: 256, store: { maxEntryMs: 1500, flushMs: 1000, journalSealMs: 3000 } };
const FLUSH_MS = 1000;

/** What a sweep cuts: the operations it counts, how it arms the cut, and the unit it runs on. */
export interface SweepTarget {
  name: string;
  options: RigOptions;
  profile?: MediaProfile;
  /** Operations of the counted device so far. */
  ops(rig: StorageRig): number;
  arm(rig: StorageRig, at: number, mode: { torn: boolean; reorder?: boolean }): void;
  /** How far a power cut may reach back, ms: the flush window, and on the card the queue's lag behind it. */
  windowMs: number;
}

export const NOR_TARGET: SweepTarget = {
  name: 'internal flash',
  options: SWEEP_RIG,
  ops: (rig) => rig.nor.counters.opIndex,
  arm: (rig, at, mode) => rig.armPowerCut({ atOp: at, torn: mode.torn, reorder: mode.reorder, seed: at + 1 }),
  windowMs: FLUSH_MS,
};

/** VGA onto a 128 MiB card; counted: the card's write commands (the internal flash loses power with it). */
export const CARD_WRITE_TARGET: SweepTarget = {
  name: 'card',
  // The card's own seed (its serial, its stalls) is fixed: the reference and each cut run see the same card.
  options: { ...SWEEP_RIG, blockCount: 512, card: { sectors: (128 * 1024 * 1024) / 512, seed: 3 } },
  profile: VGA_PROFILE,
  ops: (rig) => rig.slot!.card!.writeIndex,
  arm: (rig, at, mode) => rig.slot!.card!.armPowerCut({ atWrite: at, seed: at + 1, loseUnsynced: mode.reorder }),
  windowMs: 3 * FLUSH_MS,
};

/** The same unit, counted on the internal flash's operations (checkpoints, journal entries, split tails). */
export const CARD_NOR_TARGET: SweepTarget = { ...NOR_TARGET, name: 'card unit, internal flash', options: CARD_WRITE_TARGET.options, profile: VGA_PROFILE, windowMs: CARD_WRITE_TARGET.windowMs };

/** The workload: provisioning records, a recording with a mark, an idle spell, an orderly shutdown. */
export function workload(rig: StorageRig, onStep: () => void = () => {}, profile?: MediaProfile): void {
  const step = (fn: () => void) => {
    fn();
    onStep();
  };
  const stream = new RecordingStream(profile, 7);
  step(() => rig.store.journal('officer', { name: '李明', certificate: '53032419001', unit: 'luoping', assignedBy: 'tech-01' }));
  step(() => rig.store.beginRecording(1));
  step(() => rig.store.journal('record-start', { recording: 1, trigger: 'button', preEventMs: 0, profile: 'vga-5-16k' }));
  for (let i = 0; i < 8; i++) step(() => stream.run(rig.store, rig.clock, 500));
  step(() => rig.store.journal('mark', { recording: 1, label: 'key moment' }));
  for (let i = 0; i < 4; i++) step(() => stream.run(rig.store, rig.clock, 500));
  step(() => rig.store.journal('record-stop', { recording: 1, cause: 'officer', durationMs: 6000 }));
  step(() => rig.store.endRecording());
  step(() => {
    rig.clock.advance(4000);
    rig.store.tick();
  });
  step(() => rig.store.shutdown());
}

export interface Reference {
  target: SweepTarget;
  /** Prog/erase operations of the whole workload. */
  totalOps: number;
  /** Each sealed entry's bytes and the operation index by which it was surely in place. */
  sealed: { seq: number; bytes: Uint8Array; doneBy: number }[];
}

export function reference(target: SweepTarget = NOR_TARGET): Reference {
  const rig = new StorageRig(target.options);
  const base = target.ops(rig);
  const marks: { nextSeq: number; op: number }[] = [];
  // An entry is surely in place once the checkpoint (not only the RAM head) is past it.
  workload(rig, () => marks.push({ nextSeq: rig.store.durableHead.nextSeq, op: target.ops(rig) - base }), target.profile);
  const files = rig.entryFiles(rig.slot?.card);
  const sealed = files.map((f) => {
    const seq = parseEntry(f.bytes).header.seq;
    const doneBy = marks.find((m) => m.nextSeq > seq)!.op;
    return { seq, bytes: f.bytes, doneBy };
  });
  return { target, totalOps: target.ops(rig) - base, sealed };
}

export interface CutResult {
  failures: string[];
  recoveredRecords: number;
}

/** Cuts power at operation `at` (counted from the end of the first boot), powers on, checks, records on. */
export function cutAndCheck(ref: Reference, at: number, mode: { torn: boolean; reorder?: boolean } = { torn: true }): CutResult {
  const failures: string[] = [];
  const target = ref.target;
  const rig = new StorageRig({ ...target.options, seed: at + 1 });
  target.arm(rig, at, mode);
  let cutMono = -1;
  try {
    workload(rig, undefined, target.profile);
  } catch (e) {
    if (!(e instanceof PowerCut) && !(e as { cause?: unknown }).cause) throw e;
    // The card's task meets the cut when its operation runs, which the firmware may notice later.
    cutMono = rig.cardHost?.liveQueue.failedAt ?? rig.clock.mono();
  }
  if (cutMono < 0) return { failures: [`op ${at}: the workload finished without reaching the cut`], recoveredRecords: 0 };

  let store;
  try {
    store = rig.powerOn();
  } catch (e) {
    return { failures: [`op ${at}: no boot after the cut: ${(e as Error).message}`], recoveredRecords: 0 };
  }
  const card = rig.slot?.card;
  const files: EntryFile[] = rig.entryFiles(card);
  const bySeq = new Map(files.filter((f) => f.path.endsWith('.qce')).map((f) => [parseEntry(f.bytes).header.seq, f.bytes]));
  const r = verifyChain(files, { checker: nodeChecker, deviceKey: rig.signer.publicKey });
  if (!r.ok) failures.push(`op ${at}: not intact after recovery: ${JSON.stringify(r.problems)}`);

  for (const s of ref.sealed) {
    if (s.doneBy >= at) continue;
    const got = bySeq.get(s.seq);
    if (!got || !bytesEqual(got, s.bytes)) failures.push(`op ${at}: entry ${s.seq}, sealed before the cut, is ${got ? 'altered' : 'gone'}`);
  }

  // The entry open at the cut kept every record committed more than a flush window before it.
  let recoveredRecords = 0;
  for (const rec of store.boot.recovered) {
    const kept = parseEntry(bySeq.get(rec.seq)!);
    const full = ref.sealed.find((s) => s.seq === rec.seq);
    recoveredRecords += rec.records;
    if (!full) continue;
    const whole = parseEntry(full.bytes);
    const due = whole.records.filter((x) => whole.header.monoStart + x.t <= cutMono - target.windowMs).length;
    if (kept.records.length < due) failures.push(`op ${at}: entry ${rec.seq} kept ${kept.records.length} records, ${due} were older than the flush window`);
    for (let i = 0; i < kept.records.length && i < whole.records.length; i++) {
      if (!bytesEqual(kept.records[i].payload, whole.records[i].payload)) {
        failures.push(`op ${at}: entry ${rec.seq} record ${i} differs from what was written`);
        break;
      }
    }
  }

  // Recording continues on the same chain with no gap.
  store.beginRecording(2);
  new RecordingStream(target.profile, 9).run(store, rig.clock, 2000);
  store.endRecording();
  store.shutdown();
  const after = verifyChain(rig.entryFiles(card), { checker: nodeChecker, deviceKey: rig.signer.publicKey });
  if (!after.ok) failures.push(`op ${at}: chain broken after recording on: ${JSON.stringify(after.problems)}`);
  // The boot after the cut is journaled as a power loss.
  const boots = rig.entryFiles(card).filter((f) => f.path.endsWith('.qce')).flatMap((f) => {
    const e = parseEntry(f.bytes);
    return e.records.filter((x) => x.code === 0x0201).map((x) => decodePayload(x.code, x.t, x.payload));
  });
  const lastBoot = boots[boots.length - 1];
  if (!lastBoot || lastBoot.type !== 'boot' || lastBoot.data.cause !== 'power-loss' || lastBoot.data.bootCount !== 2)
    failures.push(`op ${at}: the boot after the cut is not journaled as a power loss (${JSON.stringify(lastBoot?.data)})`);

  return { failures, recoveredRecords };
}
