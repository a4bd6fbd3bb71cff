// The device's entry (manifest.json creation.main): what only the real device has — the
// build's configuration, the spoken clips as flash resources, the evidence volume, the
// secure element — handed to startDevice (firmware/main.ts), which the simulator also runs.
//
// The identity normally comes from the provisioning file on the volume (written by
// `quancheng flash` or the maintenance port). A build may carry a factory identity
// (`mcconfig … deviceId=QC-0001`); the manifest's value UNPROVISIONED means none: the device then
// refuses to record until a technician provisions it.
import I2C from "embedded:io/i2c";
import root, { volume } from "embedded:storage/files";
import config from "mc/config";
import Resource from "Resource";
import { BOARD } from "../hal/board";
import type { Clip } from "../hal/media/clip";
import ATECC608, { SecureElementChecker, SecureElementSigner } from "../hal/secure-element/atecc608";
import type { I2cIoClass } from "../hal/rtc/i2c-io";
import { UNPROVISIONED } from "./core/maintenance/provisioning";
import { startDevice, type RunningDevice } from "./main";

/** What manifest.json's `config` gives (mcconfig key=value arguments override it). */
interface BuildConfig {
  deviceId: string;
  build: string;
  preEventMs: number;
  storage: { blockCount: number };
  clips: { notice: string; explain: string; sampleRate: number };
  /** A factory setting used while no provisioning is on the volume: the store's content key (130 hex digits), or whether to record in the clear without one. */
  storeContentKey?: string;
  allowClearRecording?: boolean;
}

/** A clip read in place from flash: a Resource is a host buffer typed arrays can view, never copied. */
function clip(path: string, sampleRate: number): Clip {
  return { samples: new Resource(path) as unknown as ArrayBuffer, sampleRate };
}

export default function main(): RunningDevice {
  const c = config as unknown as BuildConfig;
  // @moddable/typings' I2C omits close(), which Moddable's class has (ECMA-419 base pattern).
  const element = new ATECC608({ sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.secureElement.address } });
  // Refuses a part whose key zones are not locked: its key could be replaced.
  const signer = new SecureElementSigner(element);
  return startDevice({
    root,
    signer,
    checker: new SecureElementChecker(element),
    clips: { notice: clip(c.clips.notice, c.clips.sampleRate), explain: clip(c.clips.explain, c.clips.sampleRate) },
    deviceId: c.deviceId === UNPROVISIONED ? undefined : c.deviceId,
    blockCount: c.storage.blockCount,
    preEventMs: c.preEventMs,
    build: c.build,
    volume,
    element,
    storeContentKey: c.storeContentKey || undefined,
    allowClearRecording: c.allowClearRecording === true,
  });
}
