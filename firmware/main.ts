// The body camera: drivers built from the board's wiring (hal/board.ts), the evidence
// store on the Files volume, and the recorder in between. The device and the simulator
// both start here; they differ only in what `DeviceEnv` hands in (on the device: the
// secure element's signer and the clips from flash resources).
import Analog from "embedded:io/analog";
import Digital from "embedded:io/digital";
import I2C from "embedded:io/i2c";
import type { Directory } from "embedded:storage/files";
import type { Card } from "embedded:storage/card";
import Timer from "timer";
import { BOARD } from "../hal/board";
import { Buttons } from "../hal/controls/buttons";
import { Indicators } from "../hal/controls/indicators";
import { Pca9554 } from "../hal/controls/pca9554";
import { CameraCapture } from "../hal/media/camera-capture";
import { clipDurationMs, clipSha256, type Clip } from "../hal/media/clip";
import { MicrophoneCapture } from "../hal/media/microphone-capture";
import { PromptPlayer } from "../hal/media/prompt-player";
import GNSS, { type GnssSample } from "../hal/gnss/gnss";
import { BatteryMonitor } from "../hal/power/battery";
import Pcf8563 from "../hal/rtc/pcf8563";
import type { I2cIoClass } from "../hal/rtc/i2c-io";
import type { KeyAgreement, RandomSource, StateSecret } from "../hal/crypto/key-agreement";
import ATECC608 from "../hal/secure-element/atecc608";
import { fromHex, type SignatureChecker, type Signer } from "./core/evidence/index";
import { StoreWrappedKeys, type EntryKeys } from "./core/evidence/entry-keys";
import { MaintenanceService } from "./core/maintenance/service";
import { CONFIG_DIR, encodeProvisioning, parseProvisioning, PROVISIONING_NEW_PATH, PROVISIONING_PATH, ProvisioningError, type Provisioning } from "./core/maintenance/provisioning";
import { ensureDirectory } from "./core/storage/files-util";
import { MaintenancePort } from "./maintenance-port";
import { applyProvisioning, lastApplied } from "./core/maintenance/apply-provisioning";
import { CHINA_2026, WorkingDays, type WorkCalendar } from "./core/policy/calendar";
import type { ClipName, FeedbackPort, PromptPort } from "./core/recorder/ports";
import { Recorder } from "./core/recorder/recorder";
import { EvidenceStore } from "./core/storage/index";
import { StateFileError, StateFiles } from "./core/storage/state-files";
import { CardWatch, mediaVolumeOf } from "./core/storage/card-watch";
import { DeviceClock } from "./device-clock";

export const FIRMWARE_VERSION = "0.1.0";

/** The secure element's part in encryption at rest: ECDH and random for content keys, the state secret for state files. */
export type UnitElement = KeyAgreement & RandomSource & StateSecret;

/**
 * The media profile: what fits the NOR flash budget (docs/STORAGE.md, npm run bench):
 * QVGA JPEG at 3 fps, esp32-camera quality 30 (~5 KB a frame), 16 kHz mono audio: ~48 KB/s.
 */
export const MEDIA_PROFILE = { name: "qvga-3-16k", width: 320, height: 240, fps: 3, jpegQuality: 30, sampleRate: 16000, audioChunkMs: 500 } as const;

/**
 * The profile with a card (docs/STORAGE.md "The card"): VGA JPEG at 10 fps, esp32-camera
 * quality 12 (Moddable's default; ~30 KB a frame), 16 kHz audio: ~330 KB/s, about a third
 * of the card's ~1 MB/s in 1-bit SDMMC mode, so a write stall is caught up within seconds.
 */
export const VGA_PROFILE = { name: "vga-10-16k", width: 640, height: 480, fps: 10, jpegQuality: 12, sampleRate: 16000, audioChunkMs: 500 } as const;

export type MediaProfile = typeof MEDIA_PROFILE | typeof VGA_PROFILE;

export const MEDIA_PROFILES: readonly string[] = [MEDIA_PROFILE.name, VGA_PROFILE.name];

/** The camera is set up once, at power-on: VGA when a card is there to take it, QVGA for the internal flash alone. */
export function mediaProfileFor(card: Card | undefined): MediaProfile {
  return card && mediaVolumeOf(card) ? VGA_PROFILE : MEDIA_PROFILE;
}

export interface DeviceEnv {
  root: Directory;
  signer: Signer;
  /** Checks technicians' and the store's signatures (the secure element's Verify on the device). */
  checker: SignatureChecker;
  clips: Record<"notice" | "explain", Clip>;
  /**
   * The identity to use while the volume holds no provisioning (the simulator's factory
   * setting). Undefined: the device waits unprovisioned, recording refused, until a
   * technician provisions it over the maintenance port.
   */
  deviceId?: string;
  /** Storage partition size in 4 KB blocks. */
  blockCount: number;
  preEventMs: number;
  build: string;
  calendar?: WorkCalendar;
  /** The platform's random source for challenges (Math.random: the hardware RNG on the ESP32). */
  random?: () => number;
  /** How the files module brought up the volume ("mounted", "formatted", or why not), for status. */
  volume?: string;
  /** The microSD slot (embedded:storage/card); undefined on a unit without one. */
  card?: Card;
  /** What makes content keys and keeps the state secret; default: the board's ATECC608, reached only on an encrypting unit. */
  element?: UnitElement;
  /**
   * The factory setting while the volume holds no provisioning (provisioning overrides it):
   * the designated store's content public key (130 hex digits, SEC1), and whether to record in
   * the clear without one.
   */
  storeContentKey?: string;
  allowClearRecording?: boolean;
}

export interface RunningDevice {
  /** The recorder and store exist once the device has an identity; reading them before throws. */
  readonly recorder: Recorder;
  readonly store: EvidenceStore;
  readonly provisioned: boolean;
  readonly clock: DeviceClock;
  readonly battery: BatteryMonitor;
  readonly maintenance: MaintenanceService;
  readonly maintenancePort: MaintenancePort;
  /** Stops capture and timers (an orderly power-down seals everything first). */
  shutdown(): void;
}

/** The provisioning kept on the volume; undefined when there is none or it cannot be read (then the device is unprovisioned and says why in `problem`). */
function loadProvisioning(state: StateFiles): { p?: Provisioning; sealed?: boolean; problem?: string } {
  if (!state.exists(PROVISIONING_PATH)) return {};
  try {
    const file = state.open(PROVISIONING_PATH);
    return { p: parseProvisioning(file.bytes, MEDIA_PROFILES), sealed: file.sealed };
  } catch (e) {
    if (e instanceof ProvisioningError || e instanceof StateFileError) return { problem: e.message };
    throw e;
  }
}

function promptPort(clips: DeviceEnv["clips"]): PromptPort {
  let done: ((ok: boolean) => void) | undefined;
  const player = new PromptPlayer({
    onDone() {
      const d = done;
      done = undefined;
      d?.(true);
    },
    onFailed() {
      const d = done;
      done = undefined;
      d?.(false);
    },
  });
  const clipOf = (name: ClipName): Clip => (name === "notice" ? clips.notice : clips.explain);
  const hashes = { notice: new Uint8Array(clipSha256(clips.notice)), explain: new Uint8Array(clipSha256(clips.explain)) };
  return {
    clipHash: (name) => (name === "notice" ? hashes.notice : hashes.explain),
    clipMs: (name) => Math.round(clipDurationMs(clipOf(name))),
    play(name, whenDone) {
      if (player.playing) player.cancel();
      done = whenDone;
      player.play(clipOf(name));
    },
  };
}

function feedbackPort(indicators: Indicators): FeedbackPort {
  return {
    show(state) {
      indicators.state(state === "recording" ? "recording" : "standby");
      indicators.warning(state === "interrupted");
    },
    signal(kind) {
      if (kind === "confirm") indicators.confirm();
      else if (kind === "refused") indicators.refused();
      else if (kind === "critical") indicators.critical();
      else indicators.prompt();
    },
  };
}

/** Degrees → the format's 10^-7 degree integers. */
const e7 = (deg: number) => Math.round(deg * 1e7);

/**
 * The GNSS receiver: positions go into the recording (art. 12's "place"), fix lost and
 * regained are journaled, and the RTC is corrected from GNSS time when it is more than
 * 2 s off (the sentence arrives up to a second after its epoch at 9600 baud), journaled
 * with the old and new time.
 */
function startGnss(core: () => { recorder: Recorder; store: EvidenceStore } | undefined, clock: DeviceClock): GNSS {
  let last: GnssSample | undefined;
  let lostAt: number | undefined;
  return new GNSS({
    // The receiver's DDC port, on the bus the RTC uses (its UART pins went to the speaker).
    sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.gnss.address, pollMs: BOARD.gnss.pollMs },
    onSample() {
      const s = this.sample();
      if (!s) return;
      if (s.fix && s.utc !== undefined) {
        const wall = clock.wall();
        if (wall === undefined || Math.abs(wall - s.utc) > 2000) {
          const old = clock.set(s.utc);
          core()?.store.journal("time-set", { oldTime: old ?? 0, newTime: s.utc, source: "gnss" });
        }
      }
      if (!s.fix || s.latitude === undefined || s.longitude === undefined) return;
      last = s;
      core()?.recorder.fix(
        {
          latitude: e7(s.latitude),
          longitude: e7(s.longitude),
          altitude: Math.round((s.altitude ?? 0) * 100),
          speed: Math.round((s.speed ?? 0) * 1000),
          heading: Math.round((s.heading ?? 0) * 100) % 36000,
          satellites: s.satellites ?? 0,
          hdop: Math.min(65535, Math.round((s.hdop ?? 0) * 100)),
          quality: s.quality,
          utc: s.utc ?? 0,
        },
        clock.mono(),
      );
    },
    onFix(fixed) {
      const now = fixed ? this.sample() : last;
      const lat = now?.latitude === undefined ? 0 : e7(now.latitude);
      const lon = now?.longitude === undefined ? 0 : e7(now.longitude);
      if (!fixed) {
        lostAt = clock.mono();
        core()?.store.journal("gnss-lost", { latitude: lat, longitude: lon });
      } else if (lostAt !== undefined) {
        core()?.store.journal("gnss-regained", { latitude: lat, longitude: lon, satellites: now?.satellites ?? 0, lostMs: clock.mono() - lostAt });
        lostAt = undefined;
      }
    },
  });
}

/** What runs once the device has an identity: the chain and the recorder. */
interface Core {
  store: EvidenceStore;
  recorder: Recorder;
}

export function startDevice(env: DeviceEnv): RunningDevice {
  // @moddable/typings' I2C omits close(), which Moddable's class has (ECMA-419 base pattern).
  const rtc = new Pcf8563({ clock: { io: I2C as unknown as I2cIoClass, data: BOARD.i2c.data, clock: BOARD.i2c.clock, hz: BOARD.i2c.hz, port: BOARD.i2c.port, address: BOARD.rtc.address } });
  const clock = new DeviceClock(rtc);
  // The motor is on an I/O expander pin (no GPIO left), first set to its off level.
  const expander = new Pca9554({ sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.expander.address } });
  const { expanderPin, activeLow } = BOARD.vibration;
  const indicators = new Indicators({ Digital, led: BOARD.led, vibration: { output: expander.output(expanderPin, activeLow ? 1 : 0), activeLow } });
  // Content keys (FORMAT §7a): wrapped to the store's key when one is provisioned; without
  // one the unit records in the clear only if its configuration allows it, else not at all.
  // An encrypting unit also seals its own state files (they name the officer and the case).
  let element = env.element;
  let ownElement: ATECC608 | undefined;
  const elementOf = (): UnitElement => (element ??= ownElement = new ATECC608({ sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.secureElement.address } }));
  const storeKeyOf = (p: Provisioning | undefined) => (p ? p.storeContentKey : env.storeContentKey);
  const state = new StateFiles(env.root, elementOf, () => storeKeyOf(provisioning) !== undefined);
  const loaded = loadProvisioning(state);
  let provisioning = loaded.p;
  let core: Core | undefined;
  const profile = mediaProfileFor(env.card);
  let cardWatch: CardWatch | undefined;
  // A provisioning pre-loaded in the clear (`quancheng flash` cannot seal: the secret never leaves the unit) is sealed at once.
  if (provisioning && state.sealing && !loaded.sealed) state.write(PROVISIONING_PATH, PROVISIONING_NEW_PATH, encodeProvisioning(provisioning));

  const keysOf = (p: Provisioning | undefined): EntryKeys | undefined => {
    const storePublic = storeKeyOf(p);
    return storePublic === undefined ? undefined : new StoreWrappedKeys(elementOf(), fromHex(storePublic));
  };
  const clearAllowed = () => (provisioning ? provisioning.allowClearRecording === true : env.allowClearRecording === true);
  const startCore = (deviceId: string): Core => {
    const store = EvidenceStore.open({
      encryption: keysOf(provisioning),
      root: env.root,
      deviceId,
      signer: env.signer,
      clock,
      blockSize: 4096,
      blockCount: env.blockCount,
      firmware: { version: FIRMWARE_VERSION, build: env.build },
      media: env.card && mediaVolumeOf(env.card),
    });
    // With the RTC's time lost, entries carry the clock-unset flag until the clock is set.
    const recorder = new Recorder({
      store,
      root: env.root,
      state,
      clock,
      prompts: promptPort(env.clips),
      feedback: feedbackPort(indicators),
      calendar: new WorkingDays(provisioning?.calendar ?? env.calendar ?? CHINA_2026),
      profile: profile.name,
      preEventMs: provisioning?.preEventMs ?? env.preEventMs,
      recordingRefusal: () => (store.encrypting || clearAllowed() ? undefined : "no store content key is provisioned and clear recording is not allowed"),
    });
    return { store, recorder };
  };
  const identity = provisioning?.deviceId ?? env.deviceId;
  if (identity !== undefined) core = startCore(identity);
  if (env.card)
    cardWatch = new CardWatch(
      { card: env.card, store: () => core?.store, onRemoved: (fault) => core?.recorder.interrupt("storage-fault", `card: ${fault}`) },
      core !== undefined && mediaVolumeOf(env.card) !== undefined,
    );
  else indicators.warning(true); // unprovisioned: the warning light stays on until a technician provisions it

  /** A provisioning from the maintenance port: kept on the volume first, then applied and journaled. */
  const provision = (p: Provisioning, by: string) => {
    ensureDirectory(env.root, CONFIG_DIR);
    provisioning = p;
    state.write(PROVISIONING_PATH, PROVISIONING_NEW_PATH, encodeProvisioning(p));
    if (!core) {
      core = startCore(p.deviceId);
      indicators.warning(false);
    } else core.store.encryptWith(keysOf(p));
    applyProvisioning(state, core.store, core.recorder, p, lastApplied(state, MEDIA_PROFILES), by);
  };
  // A provisioning pre-loaded on the volume (`quancheng flash`) is journaled at its first boot.
  if (core && provisioning) applyProvisioning(state, core.store, core.recorder, provisioning, lastApplied(state, MEDIA_PROFILES), `${provisioning.provisionedBy} (pre-loaded)`);

  const ensureCore = (): Core => {
    if (!core) throw new Error(loaded.problem ? `device not provisioned (${loaded.problem})` : "device not provisioned");
    return core;
  };

  const buttons = new Buttons({
    Digital,
    pins: BOARD.buttons,
    onPress: (b) => (core ? core.recorder.press(b === "record" ? "record-short" : "mark-short") : indicators.refused()),
    onLongPress: (b) => (core ? core.recorder.press(b === "record" ? "record-long" : "mark-long") : indicators.refused()),
    onCombo: () => (core ? core.recorder.press("both") : indicators.refused()),
  });

  const battery = new BatteryMonitor({
    Analog,
    pin: BOARD.battery.pin,
    dividerRatio: BOARD.battery.dividerRatio,
    onLow: (r) => core?.store.journal("battery-low", { millivolts: r.millivolts, percent: Math.round(r.percent), level: "low" }),
    onCritical: (r) => {
      if (!core) return;
      core.store.journal("battery-low", { millivolts: r.millivolts, percent: Math.round(r.percent), level: "critical" });
      core.recorder.interrupt("low-battery", `battery ${Math.round(r.percent)} %`);
    },
  });

  const gnss = startGnss(() => core, clock);

  const camera = new CameraCapture({
    width: profile.width,
    height: profile.height,
    rate: profile.fps,
    // The frame buffer goes back to the camera after this call: keep a copy.
    onFrame: (f) => core?.recorder.frame(f.number, profile.width, profile.height, new Uint8Array(f.jpeg.slice(0)), clock.mono()),
    onFault: (reason) => core?.recorder.interrupt("device-fault", `camera: ${reason}`),
  });
  const microphone = new MicrophoneCapture({
    sampleRate: profile.sampleRate,
    chunkMs: profile.audioChunkMs,
    onChunk: (c) => core?.recorder.audio(c.firstSample, profile.sampleRate, new Uint8Array(c.samples.slice(0)), clock.mono()),
    onFault: (reason) => core?.recorder.interrupt("device-fault", `microphone: ${reason}`),
  });
  camera.start();
  microphone.start();

  const maintenance = new MaintenanceService({
    firmware: { version: FIRMWARE_VERSION, build: env.build },
    mediaProfiles: MEDIA_PROFILES,
    checker: env.checker,
    clock,
    identity: () => provisioning?.deviceId ?? env.deviceId,
    store: () => core?.store,
    recorder: () => core?.recorder,
    provisioning: () => provisioning,
    provision,
    battery: () => {
      const r = battery.reading;
      return r && { millivolts: r.millivolts, percent: Math.round(r.percent) };
    },
    bootCount: () => core?.store.boot.bootCount ?? 0,
    volume: env.volume ?? "mounted",
    card: () => {
      const card = env.card;
      if (!card) return undefined;
      const info = card.info;
      return { state: info.state, serial: info.serial, capacityBytes: info.capacityBytes, note: cardWatch?.note ?? "", queuePeak: card.queue.peak, mediaLost: core?.store.mediaLost ?? { frames: 0, audioChunks: 0, fixes: 0, bytes: 0 } };
    },
    random: env.random ?? Math.random,
  });
  const port = new MaintenancePort({ service: maintenance, ...BOARD.maintenance, mono: () => clock.mono() });
  const ticker = Timer.repeat(() => {
    cardWatch?.tick();
    core?.recorder.tick();
    maintenance.tick();
    port.tick();
  }, 250);

  return {
    get recorder() {
      return ensureCore().recorder;
    },
    get store() {
      return ensureCore().store;
    },
    get provisioned() {
      return core !== undefined;
    },
    clock,
    battery,
    maintenance,
    maintenancePort: port,
    shutdown() {
      Timer.clear(ticker);
      port.close();
      camera.close();
      microphone.close();
      buttons.close();
      battery.close();
      gnss.close();
      core?.recorder.shutdown();
      ownElement?.close();
      indicators.close();
      expander.close();
      rtc.close();
    },
  };
}
