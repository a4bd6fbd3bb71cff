// Estimates from the models: recording hours per flash size and media profile (flash bytes
// per second measured in the NOR model, volume sizes from a stated partition layout), and
// battery hours of a shift (the simulator's battery model and draw).
import { StorageRig } from '../host-sim/storage/rig';
import { BLOCK_SIZE } from '../host-sim/flash/storage-volume';
import { DEFAULT_PROFILE, RecordingStream, type MediaProfile } from '../host-sim/workload/recording';

/** The profiles estimated: the firmware's default, the VGA one the verify benchmark uses, audio alone. */
export const PROFILES: MediaProfile[] = [
  DEFAULT_PROFILE,
  { name: 'vga-5-16k', frameIntervalMs: 200, frameBytes: 12000, width: 640, height: 480, audioChunkMs: 500, sampleRate: 16000, gnssIntervalMs: 1000 },
  // One frame at the start, then none: audio and fixes only.
  { name: 'audio-16k', frameIntervalMs: 1e12, frameBytes: 5000, width: 320, height: 240, audioChunkMs: 500, sampleRate: 16000, gnssIntervalMs: 1000 },
];

/**
 * Volumes. NOR: the module's flash less 64 KB (bootloader, partition table, nvs, phy_init at
 * ESP-IDF's usual offsets) and one 3 MB factory app partition; the rest is the littlefs
 * `storage` partition (the project has no partitions.csv yet: an assumption). microSD: 32 GB
 * as sold (32·10^9 bytes), taken whole as one volume with the same 4 KB blocks and the same store.
 */
export const VOLUMES: { name: string; bytes: number; note: string }[] = [
  { name: 'NOR 8 MB module', bytes: 8 * 1024 * 1024 - 64 * 1024 - 3 * 1024 * 1024, note: '8 MB − 64 KB − 3 MB app' },
  { name: 'NOR 16 MB module', bytes: 16 * 1024 * 1024 - 64 * 1024 - 3 * 1024 * 1024, note: '16 MB − 64 KB − 3 MB app' },
  { name: 'microSD 32 GB', bytes: 32e9, note: '32·10^9 bytes, one volume (not built yet)' },
];

/** Blocks the store can fill with entries: its own accounting (firmware/core/storage/evidence-store.ts). */
export function usableBlocks(blockCount: number): number {
  const reserve = Math.max(16, Math.ceil(blockCount * 0.03));
  const fixed = 8; // superblock pair, chain/ and lost/ pairs, checkpoint
  return blockCount - reserve - fixed;
}

export interface ProfileFlash {
  profile: MediaProfile;
  /** Payload bytes per second the profile produces. */
  payloadPerSecond: number;
  /** Blocks the store accounts per second of recording (entries' CTZ blocks, seals, headers). */
  blocksPerSecond: number;
  /** Modeled flash busy time ÷ recorded time on NOR. */
  busy: number;
}

/** Records `seconds` of the profile on the NOR model and measures what it takes. */
export function profileFlash(profile: MediaProfile, seconds = 180): ProfileFlash {
  const rig = new StorageRig({ blockCount: 8192 });
  const { store, clock, nor } = rig;
  const used0 = store.space().usedBytes;
  const t0 = nor.counters.timeMs;
  store.beginRecording(1);
  const stream = new RecordingStream(profile, 3);
  stream.run(store, clock, seconds * 1000);
  store.endRecording();
  const used = store.space().usedBytes - used0;
  // Plus each ev/ directory's metadata pair: 2 blocks per 100 entries of 60 s.
  return { profile, payloadPerSecond: stream.payloadBytes / seconds, blocksPerSecond: used / BLOCK_SIZE / seconds + 2 / (100 * 60), busy: (nor.counters.timeMs - t0) / (seconds * 1000) };
}

export interface CapacityRow {
  volume: string;
  note: string;
  blocks: number;
  usable: number;
  hours: Record<string, number>;
}

export function capacity(flash: ProfileFlash[]): CapacityRow[] {
  return VOLUMES.map((v) => {
    const blocks = Math.floor(v.bytes / BLOCK_SIZE);
    const usable = usableBlocks(blocks);
    return { volume: v.name, note: v.note, blocks, usable, hours: Object.fromEntries(flash.map((f) => [f.profile.name, usable / f.blocksPerSecond / 3600])) };
  });
}

/**
 * Battery: the simulator's cell (host-sim/device/sim-device.ts: 3000 mAh, full at power-on)
 * and its one draw, 250 mA whenever the device is on (DRAW_ON_MA, "an estimate"; the
 * simulator does not yet draw less in standby, and FACTS gives no current figures).
 */
export const BATTERY = { capacityMah: 3000, recordingMa: 250, standbyMa: 250 };

export interface ShiftEstimate {
  recordingHours: number;
  standbyHours: number;
  usedMah: number;
  /** Hours the cell lasts at the shift's mean draw. */
  batteryHours: number;
  /** Charge left at the end of the shift, fraction. */
  left: number;
  /** Standby draw at which the shift ends with 15 % left (the low-battery threshold). */
  standbyMaFor15: number;
}

export function shift(recordingHours = 4, standbyHours = 8): ShiftEstimate {
  const b = BATTERY;
  const usedMah = recordingHours * b.recordingMa + standbyHours * b.standbyMa;
  const meanMa = usedMah / (recordingHours + standbyHours);
  return {
    recordingHours,
    standbyHours,
    usedMah,
    batteryHours: b.capacityMah / meanMa,
    left: 1 - usedMah / b.capacityMah,
    standbyMaFor15: (0.85 * b.capacityMah - recordingHours * b.recordingMa) / standbyHours,
  };
}
