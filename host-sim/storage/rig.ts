// A simulated device's storage: NOR flash, littlefs, the Files module root, a virtual
// clock, the device key and the evidence store, with power cuts and reboots on the same flash.
import { EvidenceStore, type StoreOptions } from '../../firmware/core/storage';
import type { EntryFile } from '../../firmware/core/evidence';
import { Littlefs } from '../littlefs/index';
import { NorFlash, type NorOptions, type PowerCutOptions } from '../flash/nor';
import { BLOCK_SIZE, isBlank, storageLfsConfig } from '../flash/storage-volume';
import { readVolumeFiles } from '../flash/volume-files';
import { LfsDirectory } from '../files/lfs-directory';
import { SoftSigner } from '../keys/soft-signer';
import { VirtualClock } from '../time/virtual-clock';
import { mediaVolumeOf } from '../../firmware/core/storage/card-watch';
import { CardHost } from '../card/card-host';
import { CardSlot } from '../card/card-slot';
import { slotPort } from '../card/card-volume';
import { cardEntryFiles, isEvidencePath } from '../card/card-files';
import { joinSplitEntries } from '../../firmware/core/evidence';
import { SdCard, type SdCardOptions } from '../card/sd-card';

export interface RigOptions {
  deviceId?: string;
  blockCount?: number;
  /** Seed of the flash's injected faults (the device key depends on the device id only). */
  seed?: number;
  /** Store tuning (flush window, entry span, reserve...). */
  store?: Partial<Omit<StoreOptions, 'root' | 'deviceId' | 'signer' | 'clock' | 'blockSize' | 'blockCount'>>;
  nor?: Partial<NorOptions>;
  /** A microSD card in the slot (media entries go there), and the write-behind queue's size. */
  card?: SdCardOptions & { queueBytes?: number };
}

/** The queue the device build gives the card (manifest defines.card): 512 KiB of PSRAM. */
export const CARD_QUEUE_BYTES = 512 * 1024;

export class StorageRig {
  readonly deviceId: string;
  readonly nor: NorFlash;
  readonly clock = new VirtualClock();
  readonly signer: SoftSigner;
  readonly options: RigOptions;
  lfs!: Littlefs;
  store!: EvidenceStore;
  /** The slot and, while powered, the card module over it (undefined without a card). */
  readonly slot: CardSlot | undefined;
  cardHost: CardHost | undefined;

  constructor(options: RigOptions = {}) {
    this.options = options;
    this.deviceId = options.deviceId ?? 'QC-SIM-0001';
    this.signer = SoftSigner.fromSeed(this.deviceId);
    this.nor = new NorFlash({ blockSize: BLOCK_SIZE, blockCount: options.blockCount ?? 256, seed: options.seed ?? 1, ...options.nor });
    if (options.card) this.slot = new CardSlot(this.#newCard(options.card));
    this.boot();
  }

  /** Mounts the volume (formatting a blank flash, as on a new device) and opens the store. */
  boot(): EvidenceStore {
    this.mount();
    return this.openStore();
  }

  mount(): void {
    this.lfs = new Littlefs(storageLfsConfig(this.nor.geometry.blockCount), this.nor);
    if (isBlank(this.nor)) this.lfs.format();
    this.lfs.mount();
  }

  /** A card whose armed power cut takes the whole unit down. */
  #newCard(o: SdCardOptions): SdCard {
    const card = new SdCard({ seed: this.options.seed ?? 1, ...o });
    this.adoptCard(card);
    return card;
  }

  adoptCard(card: SdCard): SdCard {
    card.onPowerCut = () => this.nor.cutPower();
    return card;
  }

  /** The card module comes up (mounting the card in the slot), unless it already has since power-on. */
  startCard(): CardHost | undefined {
    if (this.slot && !this.cardHost) this.cardHost = new CardHost({ slot: slotPort(this.slot), now: () => this.clock.mono(), queueBytes: this.options.card?.queueBytes ?? CARD_QUEUE_BYTES });
    return this.cardHost;
  }

  openStore(): EvidenceStore {
    this.startCard();
    this.store = EvidenceStore.open({
      media: this.cardHost && mediaVolumeOf(this.cardHost),
      root: new LfsDirectory(this.lfs),
      deviceId: this.deviceId,
      signer: this.signer,
      clock: this.clock,
      blockSize: BLOCK_SIZE,
      blockCount: this.nor.geometry.blockCount,
      firmware: { version: '0.1.0', build: 'sim' },
      ...this.options.store,
    });
    return this.store;
  }

  armPowerCut(cut: PowerCutOptions): void {
    this.nor.armPowerCut(cut);
  }

  /** Power comes back after a cut (or a pull of the battery): same flash, fresh RAM. */
  powerOn(offMs = 5000): EvidenceStore {
    this.restorePower(offMs);
    return this.boot();
  }

  /** Power is back; nothing has run yet. */
  restorePower(offMs = 5000): void {
    this.cardHost?.powerOff();
    this.cardHost = undefined;
    this.slot?.card?.reboot();
    this.nor.disarmPowerCut();
    this.nor.reboot();
    this.clock.reboot(offMs);
  }

  /** The chain's entry files as they are on the volume now (with the card's, split entries joined, when `card` is given). */
  entryFiles(card?: SdCard): EntryFile[] {
    const internal = readVolumeFiles(this.lfs, isEvidencePath);
    return joinSplitEntries([...internal, ...(card ? cardEntryFiles(card) : [])]).files as EntryFile[];
  }
}
