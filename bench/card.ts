// Card figures from the microSD card model (host-sim/card/sd-card.ts): modeled card time,
// the write-behind queue's peak, frames lost, and boot reads — deterministic, not the host's speed.
import { SECTORS_32GB } from '../host-sim/card/sd-card';
import { StorageRig } from '../host-sim/storage/rig';
import { RecordingStream, VGA_PROFILE } from '../host-sim/workload/recording';
import type { Figure } from './figure';

const CARD_32GB = { sectors: SECTORS_32GB, seed: 5 };

/** `seconds` of vga-10-16k onto a 32 GB card, under the card model's seeded stalls. */
export function cardRecording(seconds = 3600): Figure[] {
  const rig = new StorageRig({ blockCount: 2048, card: CARD_32GB });
  const { store, clock } = rig;
  const card = rig.slot!.card!;
  const usedBefore = store.space().usedBytes;
  store.beginRecording(1);
  const stream = new RecordingStream(VGA_PROFILE, 3);
  stream.run(store, clock, seconds * 1000);
  store.endRecording();
  store.shutdown();
  const space = store.space();
  const perSecond = (space.usedBytes - usedBefore) / seconds;
  const hours = space.totalBytes / perSecond / 3600;
  const lost = store.mediaLost;
  const c = card.counters;
  const queue = rig.cardHost!.queue;
  return [
    { figure: 'recording hours on a 32 GB card at vga-10-16k', value: hours, unit: 'h', aim: '≥ 20', method: `card space the store counts ÷ card bytes used per second over ${seconds / 60} min (${(perSecond / 1000).toFixed(0)} KB/s, littlefs blocks of 128 KiB)`, against: 'a 12-hour shift' },
    { figure: 'card busy time per second of vga-10-16k', value: c.busyMs / (seconds * 1000), unit: 'ratio', aim: '≤ 0.5', method: `card model: ${(c.writtenSectors / 2048).toFixed(0)} MiB written, ${(c.readSectors / 2048).toFixed(0)} MiB read (littlefs reads back each program), ${c.stalls} stalls of ${(c.stallMs / 1000).toFixed(1)} s in all`, against: 'the recorded time (1.0 = card never idle)' },
    { figure: `frames lost, ${seconds / 60} min of vga-10-16k under the stall model`, value: lost.frames, unit: 'frames', aim: '≤ 0', method: `${queue.capacity / 1024} KiB write-behind queue; stalls ≤ 250 ms (SD spec busy timeout) at AU changes`, against: 'every frame captured' },
    { figure: 'write-behind queue peak', value: queue.peak / 1024, unit: 'KiB', aim: '', method: `of ${queue.capacity / 1024} KiB; a 250 ms stall at ${(perSecond / 1000).toFixed(0)} KB/s needs ${((perSecond * 0.25) / 1024).toFixed(0)} KiB` },
  ];
}

interface CardBoot {
  mountReads: number;
  storeReads: number;
}

/** Boot after a power cut mid-recording with `entries` sealed media entries on the card: card sectors read. */
function cardBoot(entries: number): CardBoot {
  const rig = new StorageRig({ blockCount: 4096, card: { sectors: (4 * 1024 * 1024 * 1024) / 512, seed: 5 }, store: { journalSealMs: 3_600_000 } });
  const { store, clock } = rig;
  const frame = new Uint8Array(600);
  for (let i = 0; i < entries; i++) {
    store.beginRecording(i + 1);
    store.media('video-frame', { frame: 0, width: 640, height: 480, format: 'jpeg', image: frame });
    clock.advance(100);
    store.endRecording();
    if (i % 50 === 0) store.tick();
  }
  store.shutdown();
  store.beginRecording(entries + 1);
  new RecordingStream(VGA_PROFILE, 5).run(store, clock, 3000);
  rig.nor.cutPower();
  rig.restorePower();
  const card = rig.slot!.card!;
  rig.mount();
  const before = card.counters.readSectors;
  rig.startCard();
  const mounted = card.counters.readSectors;
  const s = rig.openStore();
  if (s.head.nextSeq < entries || s.boot.recovered.length !== 1) throw new Error('benchmark: the open entry was not recovered');
  return { mountReads: mounted - before, storeReads: card.counters.readSectors - mounted };
}

export function cardBootScaling(): Figure[] {
  const small = cardBoot(10);
  const large = cardBoot(10_000);
  return [
    { figure: 'store boot-and-recover card reads, 10,000 ÷ 10 entries', value: large.storeReads / small.storeReads, unit: 'ratio', aim: '≤ 1.5', method: `card sectors the store's boot reads after mount (recovery, restore, checkpoint): ${large.storeReads} vs ${small.storeReads}`, against: 'the same boot with 10 entries on the card' },
    { figure: 'card mount with lookahead fill, 10,000 ÷ 10 entries', value: large.mountReads / small.mountReads, unit: 'ratio', aim: '', method: `littlefs mount and lfs_fs_gc read every metadata pair and file once, in 32 KiB cache reads (littlefs #75): ${large.mountReads} vs ${small.mountReads} sectors; a 32 GB card holds ~1,600 entries of 60 s at VGA`, against: 'the same mount with 10 entries' },
  ];
}
