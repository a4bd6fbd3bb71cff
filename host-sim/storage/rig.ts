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

export interface RigOptions {
  deviceId?: string;
  blockCount?: number;
  /** Seed of the flash's injected faults (the device key depends on the device id only). */
  seed?: number;
  /** Store tuning (flush window, entry span, reserve...). */
  store?: Partial<Omit<StoreOptions, 'root' | 'deviceId' | 'signer' | 'clock' | 'blockSize' | 'blockCount'>>;
  nor?: Partial<NorOptions>;
}

export class StorageRig {
  readonly deviceId: string;
  readonly nor: NorFlash;
  readonly clock = new VirtualClock();
  readonly signer: SoftSigner;
  readonly options: RigOptions;
  lfs!: Littlefs;
  store!: EvidenceStore;

  constructor(options: RigOptions = {}) {
    this.options = options;
    this.deviceId = options.deviceId ?? 'QC-SIM-0001';
    this.signer = SoftSigner.fromSeed(this.deviceId);
    this.nor = new NorFlash({ blockSize: BLOCK_SIZE, blockCount: options.blockCount ?? 256, seed: options.seed ?? 1, ...options.nor });
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

  openStore(): EvidenceStore {
    this.store = EvidenceStore.open({
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
    this.nor.disarmPowerCut();
    this.nor.reboot();
    this.clock.reboot(offMs);
  }

  /** The chain's entry files as they are on the volume now. */
  entryFiles(): EntryFile[] {
    return readVolumeFiles(this.lfs, (p) => p.startsWith('ev/') || p.startsWith('open/'));
  }
}
