// The host side of the XS storage harness: it owns what is hardware on the device (the NOR
// flash with littlefs on it, the secure element's key, the SHA engine) and serves the bridge;
// the firmware's EvidenceStore runs in xsnap-worker (host-sim/xs/store-entry.ts). Options and
// boot behave as host-sim/storage/rig.ts's StorageRig, so the same workload gives the same flash.
import type { EntryFile } from '../../firmware/core/evidence';
import type { BootReport } from '../../firmware/core/storage';
import { LfsDirectory } from '../files/lfs-directory';
import { NorFlash, type PowerCutOptions } from '../flash/nor';
import { BLOCK_SIZE, isBlank, storageLfsConfig } from '../flash/storage-volume';
import { readVolumeFiles } from '../flash/volume-files';
import { SoftSigner } from '../keys/soft-signer';
import { Littlefs } from '../littlefs/index';
import type { RigOptions } from '../storage/rig';
import { DEFAULT_WORLD_START } from '../time/virtual-clock';
import { storeBundle } from './bundle';
import { StorageBridge, type BridgeHeader } from './host-bridge';
import { XsWorker, type XsMeter } from './driver';
import { decodeMessage, encodeMessage, errorData, rebuildError, type ErrorData } from './protocol';
import type { Step } from './steps';

export interface XsState {
  head: { nextSeq: number; link: string };
  clock: { mono: number; wall: number | null };
}

export interface StepsResult extends XsState {
  /** Steps that completed. */
  done: number;
  /** The error the first failing step threw inside XS, rebuilt. */
  error?: Error;
  meter: XsMeter;
}

export class XsStoreHost {
  readonly deviceId: string;
  readonly nor: NorFlash;
  readonly signer: SoftSigner;
  readonly options: RigOptions;
  lfs!: Littlefs;
  boot: BootReport | undefined;
  state: XsState | undefined;
  /** Bridge calls served (issueCommand round trips) since the harness started. */
  calls = 0;
  /** Compute meter summed over every command since the harness started. */
  compute = 0;
  #worker: XsWorker | undefined;
  #bridge: StorageBridge | undefined;

  private constructor(options: RigOptions) {
    this.options = options;
    this.deviceId = options.deviceId ?? 'QC-SIM-0001';
    this.signer = SoftSigner.fromSeed(this.deviceId);
    this.nor = new NorFlash({ blockSize: BLOCK_SIZE, blockCount: options.blockCount ?? 256, seed: options.seed ?? 1, ...options.nor });
  }

  /** A new device: blank flash, formatted and mounted, the store opened in XS. */
  static async start(options: RigOptions = {}): Promise<XsStoreHost> {
    const h = new XsStoreHost(options);
    try {
      await h.#boot(DEFAULT_WORLD_START);
    } catch (e) {
      h.close();
      throw e;
    }
    return h;
  }

  /** A fresh XS worker with the harness script loaded, bridged to this host. */
  async #spawn(): Promise<XsWorker> {
    this.#worker?.close();
    const w = new XsWorker({ onCommand: (m) => this.#serve(m) });
    this.#worker = w;
    await w.evaluate(await storeBundle());
    return w;
  }

  async #boot(wallAtZero: number | null): Promise<void> {
    this.lfs = new Littlefs(storageLfsConfig(this.nor.geometry.blockCount), this.nor);
    if (isBlank(this.nor)) this.lfs.format();
    this.lfs.mount();
    // A fresh bridge per boot: handles from the last worker's life are gone with its RAM.
    this.#bridge = new StorageBridge(new LfsDirectory(this.lfs), this.signer);
    const w = await this.#spawn();
    const options = { deviceId: this.deviceId, blockSize: BLOCK_SIZE, blockCount: this.nor.geometry.blockCount, firmware: { version: '0.1.0', build: 'sim' }, ...this.options.store };
    const r = (await this.#command(w, { cmd: 'open', options, wallAtZero })).value as { boot: BootReport } & XsState;
    this.boot = r.boot;
    this.state = { head: r.head, clock: r.clock };
  }

  async #command(w: XsWorker, c: unknown): Promise<{ value: unknown; meter: XsMeter }> {
    const { reply, meter } = await w.command(encodeMessage(c));
    this.compute += meter.compute;
    const r = decodeMessage<{ value?: unknown; error?: ErrorData }>(reply).header;
    if (r.error) throw rebuildError(r.error);
    return { value: r.value, meter };
  }

  get worker(): XsWorker {
    if (!this.#worker) throw new Error('no XS worker');
    return this.#worker;
  }

  /** Runs steps in XS until one throws (a power cut, for instance); reports how far it got. */
  async steps(steps: Step[]): Promise<StepsResult> {
    const { value, meter } = await this.#command(this.worker, { cmd: 'steps', steps });
    const r = value as XsState & { done: number; error?: ErrorData };
    this.state = { head: r.head, clock: r.clock };
    return { done: r.done, head: r.head, clock: r.clock, meter, ...(r.error ? { error: rebuildError(r.error) } : {}) };
  }

  /** Runs the probe of errors crossing the bridge (store-entry.ts). */
  async probe(): Promise<Record<string, unknown>> {
    return (await this.#command(this.worker, { cmd: 'probe' })).value as Record<string, unknown>;
  }

  /** The compute meter of the steps' own work (media generation) against a store that does nothing. */
  async generationCompute(steps: Step[]): Promise<number> {
    return (await this.#command(this.worker, { cmd: 'generate', steps })).meter.compute;
  }

  armPowerCut(cut: PowerCutOptions): void {
    this.nor.armPowerCut(cut);
  }

  /** Power comes back after a cut: same flash, fresh RAM (a new XS worker), the RTC ran on for offMs. */
  async powerOn(offMs = 5000): Promise<BootReport> {
    const wall = this.state?.clock.wall ?? null;
    this.#worker?.close();
    this.#worker = undefined;
    this.nor.disarmPowerCut();
    this.nor.reboot();
    await this.#boot(wall === null ? null : wall + offMs);
    return this.boot!;
  }

  entryFiles(): EntryFile[] {
    return readVolumeFiles(this.lfs, (p) => p.startsWith('ev/') || p.startsWith('open/'));
  }

  close(): void {
    this.#worker?.close();
    this.#worker = undefined;
  }

  // ---- the bridge, host side

  #serve(message: Uint8Array): Uint8Array {
    this.calls++;
    const { header, blob } = decodeMessage<BridgeHeader>(message);
    try {
      const out = this.#bridge?.serve(header, blob);
      if (!out) throw new Error(`xs bridge: unknown operation ${JSON.stringify(header.op)}`);
      return out.value instanceof Uint8Array ? encodeMessage({}, out.value) : encodeMessage({ value: out.value });
    } catch (e) {
      return encodeMessage({ error: errorData(e) });
    }
  }
}
