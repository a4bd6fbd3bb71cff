// The firmware's watch over the slot (firmware/core/storage/card-watch.ts) on the simulator's
// card module: a card pulled out mid-recording interrupts it (art. 13); one put back is taken
// again; an unreadable card is journaled and left alone.
import { decodePayload, parseEntry, RECORDS } from '../../firmware/core/evidence';
import { CardWatch } from '../../firmware/core/storage';
import { CardHost } from '../../host-sim/card/card-host';
import { CardSlot } from '../../host-sim/card/card-slot';
import { slotPort } from '../../host-sim/card/card-volume';
import { SdCard } from '../../host-sim/card/sd-card';
import { CARD_QUEUE_BYTES, StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream, VGA_PROFILE } from '../../host-sim/workload/recording';

const SMALL = { sectors: (64 * 1024 * 1024) / 512 };

function cardEvents(rig: StorageRig, card?: SdCard) {
  return rig
    .entryFiles(card)
    .filter((f) => f.path.endsWith('.qce'))
    .flatMap((f) => parseEntry(f.bytes).records)
    .filter((x) => x.code === RECORDS.card.code)
    .map((x) => decodePayload(x.code, x.t, x.payload).data as { event: string; detail: string });
}

describe('CardWatch', () => {
  test('pulled out mid-recording: detached, the recording interrupted; put back: taken again', () => {
    const rig = new StorageRig({ blockCount: 512, card: SMALL });
    const removed: string[] = [];
    const watch = new CardWatch({ card: rig.cardHost!, store: () => rig.store, onRemoved: (f) => removed.push(f) }, true);
    rig.store.beginRecording(1);
    new RecordingStream(VGA_PROFILE, 1).run(rig.store, rig.clock, 3000);
    watch.tick();
    expect(removed).toEqual([]);
    const card = rig.slot!.pull();
    watch.tick();
    expect(removed).toEqual(['the card was pulled out']);
    expect(rig.store.card).toBeUndefined();
    expect(watch.note).toBe('removed: the card was pulled out');
    rig.store.endRecording();
    rig.slot!.insert(card);
    watch.tick();
    expect(rig.store.card).toBeDefined();
    expect(watch.note).toBe('mounted');
    watch.tick(); // nothing new
    rig.store.shutdown();
    expect(cardEvents(rig, card).map((e) => e.event)).toEqual(['formatted', 'removed', 'mounted']);
  });

  test('an unreadable card (a FAT card) is journaled and never written', () => {
    const rig = new StorageRig({ blockCount: 512 });
    const fat = new SdCard(SMALL);
    const boot = new Uint8Array(512);
    boot.set([0xeb, 0x58, 0x90, 0x4d, 0x53, 0x44, 0x4f, 0x53]); // a FAT boot sector's jump and OEM name
    boot[510] = 0x55;
    boot[511] = 0xaa;
    fat.writeSectors(0, boot);
    const writes = fat.counters.writes;
    const slot = new CardSlot(fat);
    const host = new CardHost({ slot: slotPort(slot), now: () => rig.clock.mono(), queueBytes: CARD_QUEUE_BYTES });
    const watch = new CardWatch({ card: host, store: () => rig.store, onRemoved: () => undefined }, false);
    watch.tick();
    expect(host.info.state).toBe('unreadable');
    expect(rig.store.card).toBeUndefined();
    expect(fat.counters.writes).toBe(writes);
    rig.store.shutdown();
    expect(cardEvents(rig).map((e) => e.event)).toEqual(['unreadable']);
  });
});
