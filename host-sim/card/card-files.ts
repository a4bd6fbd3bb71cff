// The evidence files on a card, as a card reader on a technician's machine reads them: through a
// fresh littlefs mount over what is on the card's sectors, not through the unit's queue.
import type { EntryFile } from '../../firmware/core/evidence';
import { readVolumeFiles } from '../flash/volume-files';
import { Littlefs } from '../littlefs/index';
import { cardLfsConfig } from './card-lfs';
import { CardReaderDevice } from './card-slot';
import type { SdCard } from './sd-card';

export const isEvidencePath = (p: string) => p.startsWith('ev/') || p.startsWith('open/');

export function cardEntryFiles(card: SdCard): EntryFile[] {
  const config = cardLfsConfig(card.capacityBytes);
  const lfs = new Littlefs(config, new CardReaderDevice(card, config.blockSize));
  lfs.mount();
  lfs.fsMkconsistent();
  return readVolumeFiles(lfs, isEvidencePath);
}
