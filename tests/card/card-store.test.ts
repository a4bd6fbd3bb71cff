// The store over two volumes: media entries on the card behind its write-behind queue, the
// journal and checkpoint on the internal flash, one chain (docs/STORAGE.md "Two volumes").
import { decodePayload, parseEntry, RECORDS, verifyChain, type EntryFile, type RecordSpan } from '../../firmware/core/evidence';
import { mediaVolumeOf, StorageFullError } from '../../firmware/core/storage';
import { CardHost } from '../../host-sim/card/card-host';
import { CardSlot } from '../../host-sim/card/card-slot';
import { slotPort } from '../../host-sim/card/card-volume';
import { CARD_QUEUE_BYTES, StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream, VGA_PROFILE } from '../../host-sim/workload/recording';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

/** A 256 MiB card: room for minutes of VGA, small enough to keep tests fast. */
const SMALL_CARD = { sectors: (256 * 1024 * 1024) / 512 };

function verify(rig: StorageRig, files: EntryFile[] = rig.entryFiles(rig.slot?.card)) {
  return verifyChain(files, { checker: nodeChecker, deviceKey: rig.signer.publicKey });
}

function record(rig: StorageRig, recording: number, ms: number, stream = new RecordingStream(VGA_PROFILE, recording)): RecordingStream {
  rig.store.beginRecording(recording);
  rig.store.journal('record-start', { recording, trigger: 'button', preEventMs: 0, profile: VGA_PROFILE.name });
  stream.run(rig.store, rig.clock, ms);
  rig.store.journal('record-stop', { recording, cause: 'officer', durationMs: ms });
  rig.store.endRecording();
  return stream;
}

describe('the store with a card', () => {
  test('a VGA recording: media entries on the card, journal and checkpoint on the internal flash, one chain', () => {
    const rig = new StorageRig({ blockCount: 512, card: SMALL_CARD });
    expect(rig.store.card).toBeDefined();
    record(rig, 1, 150_000);
    rig.store.shutdown();
    const internal = rig.entryFiles().map((f) => f.path);
    const all = rig.entryFiles(rig.slot!.card);
    const r = verify(rig, all);
    expect(r.problems).toEqual([]);
    expect(r.compliance.recordings[0]).toMatchObject({ recording: 1, frames: 1500, mediaEntries: 3 });
    // The media entries are not on the internal flash; the journal entries are.
    expect(internal.length).toBe(all.length - 3);
    const journal = rig.store.head.nextSeq;
    expect(journal).toBe(all.length);
    // Card busy time per second of VGA recording (the card model): ~0.55, of which about a third
    // is littlefs reading back every program to check it (npm run bench gives the figure).
    const busy = rig.slot!.card!.counters.busyMs / 150_000;
    expect(busy).toBeLessThan(0.6);
  });

  test('the checkpoint never runs ahead of what is on the card', () => {
    const rig = new StorageRig({ blockCount: 512, card: SMALL_CARD, store: { maxEntryMs: 5000 } });
    rig.store.beginRecording(1);
    const stream = new RecordingStream(VGA_PROFILE, 1);
    let ahead = 0;
    for (let t = 0; t < 30_000; t += 250) {
      stream.run(rig.store, rig.clock, 250);
      ahead = Math.max(ahead, rig.store.head.nextSeq - rig.store.durableHead.nextSeq);
    }
    rig.store.endRecording();
    rig.store.shutdown();
    expect(ahead).toBeGreaterThanOrEqual(1); // sealed entries did wait for the card
    expect(rig.store.durableHead.nextSeq).toBe(rig.store.head.nextSeq);
    expect(verify(rig).problems).toEqual([]);
  });
});

describe('card events', () => {
  test('the card pulled out mid-recording: the entry splits, the recording goes on internally; put back, the chain joins whole', () => {
    const rig = new StorageRig({ blockCount: 1024, card: SMALL_CARD });
    const stream = new RecordingStream(VGA_PROFILE, 1);
    rig.store.beginRecording(1);
    stream.run(rig.store, rig.clock, 20_500);
    const open = rig.store.openEntry!;
    expect(open.volume).toBe('card');
    expect(open.durable).toBeLessThan(open.bytes); // some of it is still in the queue
    const card = rig.slot!.pull();
    rig.cardHost!.poll();
    expect(rig.cardHost!.info.state).toBe('removed');
    rig.store.detachMedia(rig.cardHost!.fault!);
    expect(rig.store.card).toBeUndefined();
    expect(rig.store.openEntry).toMatchObject({ volume: 'internal', recording: 1 });
    rig.store.journal('interruption', { recording: 1, interruption: 1, reason: 'storage-fault', detail: 'card: removed' });
    rig.store.endRecording();

    // Without the card the split entry's first part is missing, and verify says so.
    const without = verify(rig, rig.entryFiles());
    expect(without.ok).toBe(false);
    // Put back: the first part moves to its name, and the chain is whole.
    rig.slot!.insert(card);
    rig.cardHost!.poll();
    const admission = rig.store.attachMedia(mediaVolume(rig));
    expect(admission).toEqual({ accepted: true, firstUse: false });
    rig.store.shutdown();
    const files = rig.entryFiles(card);
    const r = verify(rig, files);
    expect(r.problems).toEqual([]);
    const frames = r.compliance.recordings[0].frames;
    expect(frames).toBe(205); // every frame taken (at 0, 100, … 20,400 ms), none lost
    const journal = files.flatMap((f) => parseEntry(f.bytes).records).filter((x) => x.code === RECORDS.card.code).map((x) => decodeRecord(x).data as { event: string });
    expect(journal.map((j) => j.event)).toEqual(['formatted', 'removed', 'mounted']);
  });

  test('a card carrying another unit\'s chain is refused and never written', () => {
    const other = new StorageRig({ deviceId: 'QC-SIM-0002', blockCount: 256, card: SMALL_CARD });
    record(other, 1, 3000);
    other.store.shutdown();
    const foreign = other.slot!.pull();
    const before = foreign.counters.writes;
    const rig = new StorageRig({ blockCount: 512 });
    const slot = new CardSlot(rig.adoptCard(foreign));
    const host = new CardHost({ slot: slotPort(slot), now: () => rig.clock.mono(), queueBytes: CARD_QUEUE_BYTES });
    const admission = rig.store.attachMedia(mediaVolumeOf(host)!);
    expect(admission).toEqual({ accepted: false, reason: 'the card carries the chain of unit QC-SIM-0002' });
    expect(rig.store.card).toBeUndefined();
    record(rig, 1, 2000, new RecordingStream(undefined, 1)); // goes to the internal flash
    rig.store.shutdown();
    expect(foreign.counters.writes).toBe(before);
    expect(verify(rig, rig.entryFiles()).problems).toEqual([]);
    const refused = rig.entryFiles().flatMap((f) => parseEntry(f.bytes).records).filter((x) => x.code === RECORDS.card.code).map((x) => decodeRecord(x).data);
    expect(refused).toEqual([expect.objectContaining({ event: 'refused', detail: 'the card carries the chain of unit QC-SIM-0002' })]);
  });

  test('the queue outlasted by a stall: the frames lost are counted and journaled, never a silent hole', () => {
    // A tiny queue and a card that stalls at every new allocation unit.
    const rig = new StorageRig({ blockCount: 512, card: { ...SMALL_CARD, timings: { stallChance: 1, stallMinMs: 250, openUnits: 1 } , queueBytes: 64 * 1024 } });
    record(rig, 1, 30_000);
    rig.store.shutdown();
    const lost = rig.store.mediaLost;
    expect(lost.frames).toBeGreaterThan(0);
    const r = verify(rig);
    expect(r.problems).toEqual([]);
    const records = rig.entryFiles(rig.slot!.card).flatMap((f) => parseEntry(f.bytes).records).filter((x) => x.code === RECORDS['media-lost'].code).map((x) => decodeRecord(x).data as { frames: number; audioChunks: number; reason: string });
    expect(records.length).toBeGreaterThan(0);
    expect(records.reduce((n, x) => n + x.frames, 0)).toBe(lost.frames);
    expect(records.every((x) => x.reason === 'queue-full')).toBe(true);
    expect(r.compliance.recordings[0].frames + lost.frames).toBe(300);
  });

  test('a full card: media refused with StorageFullError, nothing written past the reserve', () => {
    const rig = new StorageRig({ blockCount: 512, card: { sectors: (48 * 1024 * 1024) / 512 } });
    rig.store.beginRecording(1);
    const stream = new RecordingStream(VGA_PROFILE, 1);
    expect(() => stream.run(rig.store, rig.clock, 600_000)).toThrow(StorageFullError);
    rig.store.endRecording();
    rig.store.shutdown();
    expect(verify(rig).problems).toEqual([]);
    expect(rig.store.space().level).toBe('full');
  });
});

function decodeRecord(span: RecordSpan) {
  return decodePayload(span.code, span.t, span.payload);
}

function mediaVolume(rig: StorageRig) {
  return mediaVolumeOf(rig.cardHost!)!;
}
