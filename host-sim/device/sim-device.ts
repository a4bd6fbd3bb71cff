// A whole simulated body camera: the board with every part on its bus or pin, the NOR
// storage partition with littlefs, and the firmware (firmware/main.ts) running on them in
// virtual time. Power can be cut at any moment; the parts that have their own supply (the
// RTC's backup cell, the flash's contents) keep their state, RAM does not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clip } from '../../hal/media/clip';
import { BOARD } from '../../hal/board';
import { mediaProfileFor, startDevice, type RunningDevice, type UnitElement } from '../../firmware/main';
import { CardHost } from '../card/card-host';
import { CardSlot } from '../card/card-slot';
import { slotPort } from '../card/card-volume';
import { SdCard } from '../card/sd-card';
import { useBoard } from '../board/current';
import { SimBoard } from '../board/sim-board';
import { useVolume } from '../files/module';
import { LfsDirectory } from '../files/lfs-directory';
import { MaintenanceLink } from '../models/maintenance-link';
import { Atecc608, attachAtecc608 } from '../models/atecc608';
import deviceMain from '../../firmware/device-main';
import { configureBuild } from './mc-config';
import { nodeChecker } from '../crypt/node-checker';
import { CONFIG_DIR, encodeProvisioning, PROVISIONING_PATH, UNPROVISIONED, type Provisioning } from '../../firmware/core/maintenance/provisioning';
import { NorFlash } from '../flash/nor';
import { BLOCK_SIZE, isBlank, storageLfsConfig } from '../flash/storage-volume';
import { SoftSigner } from '../keys/soft-signer';
import { Littlefs } from '../littlefs/index';
import { BatteryModel } from '../models/battery';
import { ButtonModel } from '../models/button';
import { SceneCamera } from '../models/camera';
import { IndicatorRecorder } from '../models/indicator';
import { AmbientMicrophone } from '../models/microphone';
import { Pcf8563 } from '../models/pcf8563';
import { RecordingSpeaker } from '../models/speaker';
import { GnssReceiver } from '../models/gnss-receiver';
import { UbloxDdc } from '../models/ublox-ddc';
import { Pca9554Model } from '../models/pca9554';
import type { TrackPoint } from '../models/gnss-track';
import { projectRoot } from '../project-root';
import { Scheduler } from '../time/scheduler';
import { VirtualClock } from '../time/virtual-clock';

/** What the camera draws while on (ESP32-S3, camera, PSRAM, flash writes; an estimate). */
export const DRAW_ON_MA = 250;

export interface SimDeviceOptions {
  /** The factory identity; undefined: the device starts unprovisioned (see `provisioning`). */
  deviceId?: string;
  /** The designated store's content public key (130 hex digits) the factory setting encrypts to; undefined: the unit records in the clear. */
  storeContentKey?: string;
  /** Makes the content keys instead of the board's ATECC608 (Node engine only; tests comparing with a clear unit's timeline). */
  element?: UnitElement;
  /** Written to the volume before the first power-on, as `quancheng flash` pre-loads it. */
  provisioning?: Provisioning;
  blockCount: number;
  preEventMs: number;
  /** World time at power-on, ms since 1970. */
  start: number;
  seed: number;
  /** The RTC's backup cell was flat: the device starts with no valid time. */
  rtcLost?: boolean;
  /** Cut power at this flash operation (counted from power-on). */
  cutAtOp?: number;
  /** Where the device is carried (ms from start); default: standing at Luoping's market-supervision bureau. */
  track?: { at: number; latitude: number; longitude: number }[];
  gnss?: { positionNoise?: number; garbage?: number; checksumErrors?: number; fixLoss?: { from: number; to: number }[] };
  /**
   * Boot as the device does: firmware/device-main.ts with the build's config, the clips as
   * resources, and the ATECC608 (modelled on the I2C bus) signing the chain and checking
   * signatures. Default: firmware/main.ts with the simulator's software key (both engines).
   */
  entry?: 'main' | 'device-main';
  /** A microSD card in the slot at power-on, of this many 512-byte sectors. */
  cardSectors?: number;
}

/** The write-behind queue the device build gives the card (manifest defines.card): 512 KiB of PSRAM. */
export const SIM_CARD_QUEUE_BYTES = 512 * 1024;

const LUOPING = { latitude: 24.8843, longitude: 104.311 };

/** Waypoints → the receiver model's track, with speed and heading between points. */
function gnssTrack(points: { at: number; latitude: number; longitude: number }[]): TrackPoint[] {
  const pts = points.length > 0 ? points : [{ at: 0, ...LUOPING }];
  return pts.map((p, i) => {
    const next = pts[i + 1] ?? p;
    const prev = pts[i - 1];
    const [a, b] = next === p && prev ? [prev, p] : [p, next];
    const dy = (b.latitude - a.latitude) * 111_320;
    const dx = (b.longitude - a.longitude) * 111_320 * Math.cos((a.latitude * Math.PI) / 180);
    const dt = (b.at - a.at) / 1000;
    const speed = dt > 0 ? Math.hypot(dx, dy) / dt : 0;
    const heading = speed > 0 ? ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360 : 0;
    return { t: p.at, lat: p.latitude, lon: p.longitude, alt: 1480, speed, heading };
  });
}

/** The spoken clips, built by resources/build-clips.mjs at install. */
export function loadClips(dir = join(projectRoot(), 'resources')): Record<'notice' | 'explain', Clip> {
  const meta = JSON.parse(readFileSync(join(dir, 'clips.json'), 'utf8')) as { sampleRate: number; clips: Record<string, { file: string }> };
  const clip = (name: 'notice' | 'explain'): Clip => {
    const b = readFileSync(join(dir, meta.clips[name].file));
    return { samples: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, sampleRate: meta.sampleRate };
  };
  return { notice: clip('notice'), explain: clip('explain') };
}

export class SimDevice {
  readonly options: SimDeviceOptions;
  readonly scheduler: Scheduler;
  /** The wiring; rebuilt at each power-on, since what the firmware opened died with its RAM. */
  board: SimBoard;
  readonly nor: NorFlash;
  readonly signer: SoftSigner;
  readonly rtc: Pcf8563;
  readonly buttons: { record: ButtonModel; mark: ButtonModel };
  readonly led = new IndicatorRecorder({ activeLow: BOARD.led.activeLow });
  readonly vibration = new IndicatorRecorder({ activeLow: BOARD.vibration.activeLow });
  readonly battery: BatteryModel;
  readonly camera: SceneCamera;
  readonly microphone: AmbientMicrophone;
  readonly speaker = new RecordingSpeaker();
  readonly gnss: GnssReceiver;
  /** The receiver's DDC port on the I2C bus; like the expander, new at each power-up (its buffer is RAM). */
  gnssPort!: UbloxDdc;
  /** The I/O expander the vibration motor hangs on. */
  expander!: Pca9554Model;
  /** The technician's end of the maintenance cable. */
  readonly maintenance: MaintenanceLink;
  /** The secure element on the I2C bus: its key signs the chain when booting through device-main. */
  readonly secureElement: Atecc608;
  readonly clips = loadClips();
  lfs: Littlefs | undefined;
  /** The microSD slot (empty when the unit has no card), and the card module while powered. */
  readonly slot = new CardSlot();
  cardHost: CardHost | undefined;
  /** The card last pulled out, to put back. */
  pulledCard: SdCard | undefined;
  firmware: RunningDevice | undefined;
  powerCuts = 0;
  /** Called when the firmware renames a file (a sealed entry moving into place). */
  onMove: ((to: string) => void) | undefined;

  constructor(options: SimDeviceOptions) {
    this.options = options;
    this.scheduler = new Scheduler(new VirtualClock(options.start));
    // The key is made in the secure element at the factory, before any identity.
    this.signer = SoftSigner.fromSeed(options.deviceId ?? options.provisioning?.deviceId ?? `factory-${options.seed}`);
    this.maintenance = new MaintenanceLink({ scheduler: this.scheduler });
    this.secureElement = new Atecc608({ seed: `atecc608-${options.seed}-${options.deviceId ?? options.provisioning?.deviceId ?? 'factory'}`, scheduler: this.scheduler });
    this.nor = new NorFlash({ blockSize: BLOCK_SIZE, blockCount: options.blockCount, seed: options.seed });
    this.rtc = new Pcf8563({ scheduler: this.scheduler, valid: !options.rtcLost, driftPpm: 12 });
    this.buttons = {
      record: new ButtonModel(this.scheduler, { seed: options.seed * 31 + 1 }),
      mark: new ButtonModel(this.scheduler, { seed: options.seed * 31 + 2 }),
    };
    this.battery = new BatteryModel(this.scheduler, { capacityMah: 3000, charge: 1, drawMa: 0, dividerRatio: BOARD.battery.dividerRatio });
    this.camera = new SceneCamera({ seed: options.seed });
    this.microphone = new AmbientMicrophone({ seed: options.seed, hears: this.speaker });
    this.gnss = new GnssReceiver({
      scheduler: this.scheduler,
      track: gnssTrack(options.track ?? []),
      trackStart: options.start,
      faults: { seed: options.seed, coldStart: 20_000, ...options.gnss },
    });
    if (options.cardSectors !== undefined) this.slot.insert(new SdCard({ sectors: options.cardSectors, seed: options.seed }));
    this.board = this.wire();
    if (options.cutAtOp !== undefined) this.nor.armPowerCut({ atOp: options.cutAtOp, torn: true, seed: options.seed });
  }

  /** Every part on its bus or pin, as hal/board.ts wires them (both engines use this). */
  wire(): SimBoard {
    const board = new SimBoard(this.scheduler);
    // The sensor runs at the rate the firmware keeps (see SimBoard.cameraFrameInterval): the
    // firmware chooses the profile at power-on by whether a card is there.
    const profile = mediaProfileFor(this.cardHost);
    board.cameraFrameInterval = 1000 / profile.fps;
    board.cameraJpegQuality = profile.jpegQuality;
    board.attachI2c(BOARD.i2c.port, BOARD.rtc.address, this.rtc);
    board.attachDigital(BOARD.buttons.record, this.buttons.record);
    board.attachDigital(BOARD.buttons.mark, this.buttons.mark);
    board.attachDigital(BOARD.led.pin, this.led);
    this.expander = new Pca9554Model(this.scheduler);
    this.expander.attach(BOARD.vibration.expanderPin, this.vibration);
    board.attachI2c(BOARD.i2c.port, BOARD.expander.address, this.expander);
    board.attachAnalog(BOARD.battery.pin, this.battery);
    this.gnssPort = new UbloxDdc({ receiver: this.gnss, scheduler: this.scheduler });
    board.attachI2c(BOARD.i2c.port, BOARD.gnss.address, this.gnssPort);
    board.attachSerial(BOARD.maintenance.port, this.maintenance);
    attachAtecc608(board, BOARD.i2c.port, this.secureElement, BOARD.secureElement.address);
    board.camera = this.camera;
    board.microphone = this.microphone;
    board.speaker = this.speaker;
    useBoard(board);
    return board;
  }

  /** Power on: mount the volume (formatting a blank flash) and start the firmware. */
  /**
   * Power reaches the board: the parts are wired and the volume mounted (a blank flash is
   * formatted first, and pre-loaded with the provisioning as `quancheng flash` would). Both
   * engines start here.
   */
  powerUp(): Littlefs {
    // Every simulated unit has the Sense board's slot; it may be empty.
    this.cardHost = new CardHost({ slot: slotPort(this.slot), now: () => this.scheduler.now(), queueBytes: SIM_CARD_QUEUE_BYTES });
    this.board = this.wire();
    this.battery.drawMa = DRAW_ON_MA;
    const lfs = new Littlefs(storageLfsConfig(this.options.blockCount), this.nor);
    if (isBlank(this.nor)) {
      lfs.format();
      if (this.options.provisioning) preload(lfs, this.options.provisioning);
    }
    lfs.mount();
    this.lfs = lfs;
    useVolume(lfs);
    return lfs;
  }

  powerOn(): RunningDevice {
    const lfs = this.powerUp();
    const root = new LfsDirectory(lfs);
    const move = root.move.bind(root);
    root.move = (from: string, to: string) => {
      move(from, to);
      this.onMove?.(to);
    };
    if (this.options.entry === 'device-main') {
      // What mcconfig would have built into this unit's image.
      configureBuild({ ...this.contentSetting, deviceId: this.options.deviceId ?? UNPROVISIONED, build: 'host-sim', preEventMs: this.options.preEventMs, storage: { partition: 'storage', blockSize: BLOCK_SIZE, blockCount: this.options.blockCount } });
      // device-main opens the volume through embedded:storage/files, as the device does.
      this.firmware = deviceMain();
      return this.firmware;
    }
    this.firmware = startDevice({
      root,
      signer: this.signer,
      checker: nodeChecker,
      clips: this.clips,
      deviceId: this.options.deviceId,
      blockCount: this.options.blockCount,
      preEventMs: this.options.preEventMs,
      build: 'host-sim',
      card: this.cardHost,
      element: this.options.element,
      ...this.contentSetting,
    });
    return this.firmware;
  }

  /** The factory content setting (FORMAT §7a): encrypt to the store's key when the options give one, else record in the clear. */
  get contentSetting(): { storeContentKey?: string; allowClearRecording: boolean } {
    const key = this.options.storeContentKey;
    return key === undefined ? { allowClearRecording: true } : { storeContentKey: key, allowClearRecording: false };
  }

  /** The card is pulled out of the slot (what the firmware notices at its next poll). */
  pullCard(): void {
    if (this.slot.present) this.pulledCard = this.slot.pull();
  }

  /** A card goes into the slot: the one pulled out, or a blank one. */
  insertCard(which: 'same' | 'blank'): void {
    if (this.slot.present) return;
    const card = which === 'same' && this.pulledCard ? this.pulledCard : new SdCard({ sectors: this.options.cardSectors ?? (1024 * 1024 * 1024) / 512, seed: this.options.seed + this.slot.insertions + 1 });
    this.pulledCard = undefined;
    this.slot.insert(card);
  }

  /** Power is gone: RAM and timers are lost; flash and the RTC's backup keep theirs. */
  cutPower(): void {
    this.powerCuts++;
    this.nor.cutPower();
    this.battery.drawMa = 0;
    this.scheduler.clearAll();
    this.maintenance.reset();
    this.secureElement.powerCycle();
    this.firmware = undefined;
    this.lfs = undefined;
    this.cardHost?.powerOff();
    this.cardHost = undefined;
    useVolume(undefined);
    this.nor.disarmPowerCut();
    this.nor.reboot();
  }

  /** Orderly power-down: the firmware seals everything. */
  switchOff(): void {
    this.battery.drawMa = 0;
    this.firmware?.shutdown();
    this.scheduler.clearAll();
    this.maintenance.reset();
    this.firmware = undefined;
  }

  runUntil(t: number): void {
    this.scheduler.runUntil(t);
  }

  press(button: 'record' | 'mark' | 'both', holdMs: number): void {
    const at = this.scheduler.now();
    if (button === 'both') {
      // Held together long enough to be the two-button gesture.
      this.buttons.record.press(at, Math.max(holdMs, 900));
      this.buttons.mark.press(at + 20, Math.max(holdMs, 900));
    } else this.buttons[button].press(at, holdMs);
  }
}

/** Writes the provisioning file onto a freshly formatted volume (what `quancheng flash` does to a blank device). */
export function preload(lfs: Littlefs, p: Provisioning): void {
  lfs.mount();
  const root = new LfsDirectory(lfs);
  root.createDirectory(CONFIG_DIR);
  const f = root.openFile({ path: PROVISIONING_PATH, mode: 'w' });
  f.write(encodeProvisioning(p), 0);
  f.close();
  lfs.unmount();
}
