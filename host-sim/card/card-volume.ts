// Mounting the card in a slot by the unit's mount policy (the internal volume's, docs/STORAGE.md):
// a blank card (its first and last MiB all 0x00 or all 0xFF) is formatted; a littlefs card is
// mounted; anything else (a FAT card from a phone, a damaged card) is left exactly as it is and
// reported, never formatted; a card that cannot be read is reported too.
import { Littlefs } from '../littlefs/index';
import type { MountedCard } from './card-host';
import { cardLfsConfig } from './card-lfs';
import { CardBlockDevice, type CardSlot } from './card-slot';
import { SECTOR, type SdCard } from './sd-card';

const PROBE_SECTORS = (1024 * 1024) / SECTOR;

function uniform(bytes: Uint8Array): number | undefined {
  const v = bytes[0];
  return bytes.every((b) => b === v) && (v === 0x00 || v === 0xff) ? v : undefined;
}

/** True when the card's first and last MiB hold nothing (all 0x00, or all 0xFF). */
export function isBlankCard(card: SdCard): boolean {
  const n = Math.min(PROBE_SECTORS, card.sectors);
  const first = uniform(card.readSectors(0, n));
  return first !== undefined && uniform(card.readSectors(card.sectors - n, n)) === first;
}

export function mountCard(slot: CardSlot): MountedCard {
  const card = slot.card;
  const none: MountedCard = { state: 'absent', serial: '', capacityBytes: 0, blockSize: 0, blockCount: 0, blocksUsedAtMount: 0 };
  if (!card) return none;
  const config = cardLfsConfig(card.capacityBytes);
  const base = { serial: card.cid, capacityBytes: card.capacityBytes, blockSize: 0, blockCount: 0, blocksUsedAtMount: 0 };
  let blank: boolean;
  try {
    blank = isBlankCard(card);
  } catch {
    return { ...base, state: 'read-failed' };
  }
  const lfs = new Littlefs(config, new CardBlockDevice(slot, config.blockSize));
  if (blank) {
    try {
      lfs.format();
    } catch {
      return { ...base, state: 'format-failed' };
    }
  }
  try {
    lfs.mount();
    // Fills the lookahead now (it covers the whole card), so the first write does not scan.
    lfs.fsGc();
  } catch {
    return { ...base, state: blank ? 'format-failed' : 'unreadable' };
  }
  return { ...base, state: blank ? 'formatted' : 'mounted', lfs, blockSize: config.blockSize, blockCount: config.blockCount, blocksUsedAtMount: lfs.fsSize() };
}

/** The card module's view of a slot. */
export function slotPort(slot: CardSlot) {
  return {
    present: () => slot.present,
    insertions: () => slot.insertions,
    mount: () => mountCard(slot),
    busyMs: () => slot.card?.counters.busyMs ?? 0,
  };
}
