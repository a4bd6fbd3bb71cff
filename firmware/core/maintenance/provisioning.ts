// What a technician sets on a device (rule art. 5, 14, 15, 16): who the device is, whom it
// is assigned to, which technicians may maintain it and which designated store may take
// its evidence. Kept as one UTF-8 JSON file on the storage volume, written by
// `quancheng flash` (pre-loaded image) or the maintenance `provision` command; every change
// is also journaled in the chain (officer and config records), so the file is convenience
// and the chain is the record.
import { fromHex } from "../evidence/bytes";
import { utf8Decode, utf8Encode } from "../evidence/utf8";
import type { WorkCalendar } from "../policy/calendar";

export const PROVISIONING_PATH = "config/provisioning.json";
export const PROVISIONING_NEW_PATH = "config/provisioning.json.new";
export const CONFIG_DIR = "config";
export const PROVISIONING_VERSION = 1;
/** A device that was never provisioned records nothing: it has no identity to bind a chain to. */
export const UNPROVISIONED = "UNPROVISIONED";

/** A P-256 public key holder, the key as 130 hex digits (SEC1 uncompressed). */
export interface KeyHolder {
  /** Who holds it: a technician's staff number, or the store's name. */
  id: string;
  name: string;
  publicKey: string;
}

export interface Provisioning {
  version: 1;
  /** Binds the chain (its genesis link); never changes once the chain has entries. */
  deviceId: string;
  unit: string;
  officer?: { name: string; certificate: string };
  /** Keys whose holders may authenticate on the maintenance port. */
  technicians: KeyHolder[];
  /** The unit's designated store (art. 14): only its signed receipts free space. */
  store: KeyHolder;
  /** A MEDIA_PROFILE name the firmware knows. */
  mediaProfile: string;
  /** Pre-event buffer, 0–120 s. */
  preEventMs: number;
  /** Art. 11 continuous mode set for the officer's cases. */
  continuous: boolean;
  /** The designated store's content public key (130 hex digits, SEC1): every entry is encrypted to it (FORMAT §7a). */
  storeContentKey?: string;
  /** Without a store content key the unit records in the clear only if this is true; otherwise it refuses to record. */
  allowClearRecording?: boolean;
  /** The unit's working-day calendar; the firmware's default when absent. */
  calendar?: WorkCalendar;
  /** Technician id and time (ms since 1970) of this provisioning. */
  provisionedBy: string;
  provisionedAt: number;
}

export class ProvisioningError extends Error {}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const DEVICE_ID = /^[A-Za-z0-9_-]{1,16}$/;
const KEY = /^04[0-9a-fA-F]{128}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function fail(what: string): never {
  throw new ProvisioningError(`provisioning: ${what}`);
}

function text(v: unknown, what: string, max = 64): string {
  if (typeof v !== "string" || v.length === 0 || v.length > max) fail(`${what} must be a string of 1-${max} characters`);
  return v;
}

function keyHolder(v: unknown, what: string): KeyHolder {
  if (typeof v !== "object" || v === null) fail(`${what} must be an object`);
  const o = v as Record<string, unknown>;
  const id = text(o.id, `${what}.id`, 32);
  if (!ID.test(id)) fail(`${what}.id must be letters, digits, '.', '_' or '-'`);
  const publicKey = text(o.publicKey, `${what}.publicKey`, 130);
  if (!KEY.test(publicKey)) fail(`${what}.publicKey must be a P-256 public key as 130 hex digits starting 04`);
  return { id, name: text(o.name, `${what}.name`), publicKey: publicKey.toLowerCase() };
}

function calendar(v: unknown): WorkCalendar {
  if (typeof v !== "object" || v === null) fail("calendar must be an object");
  const o = v as Record<string, unknown>;
  const dates = (x: unknown, what: string): string[] => {
    if (!Array.isArray(x) || x.length > 400 || !x.every((d) => typeof d === "string" && DATE.test(d))) fail(`calendar.${what} must be a list of YYYY-MM-DD dates`);
    return x as string[];
  };
  const years = o.years;
  if (!Array.isArray(years) || years.length === 0 || years.length > 10 || !years.every((y) => Number.isInteger(y) && y >= 2000 && y <= 2100)) fail("calendar.years must list the years covered");
  const offset = o.utcOffsetMinutes;
  if (!Number.isInteger(offset) || (offset as number) < -840 || (offset as number) > 840) fail("calendar.utcOffsetMinutes must be minutes east of UTC");
  return { source: text(o.source, "calendar.source", 200), years: years as number[], holidays: dates(o.holidays, "holidays"), workdays: dates(o.workdays, "workdays"), utcOffsetMinutes: offset as number };
}

/** Checks every field; throws ProvisioningError naming the first bad one. */
export function validateProvisioning(v: unknown, mediaProfiles: readonly string[]): Provisioning {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail("must be a JSON object");
  const o = v as Record<string, unknown>;
  if (o.version !== PROVISIONING_VERSION) fail(`version must be ${PROVISIONING_VERSION}`);
  const deviceId = text(o.deviceId, "deviceId", 16);
  if (!DEVICE_ID.test(deviceId) || deviceId === UNPROVISIONED) fail("deviceId must be 1-16 letters, digits, '_' or '-' (the evidence header's rule)");
  let officer: Provisioning["officer"];
  if (o.officer !== undefined) {
    if (typeof o.officer !== "object" || o.officer === null) fail("officer must be an object");
    const of = o.officer as Record<string, unknown>;
    officer = { name: text(of.name, "officer.name"), certificate: text(of.certificate, "officer.certificate", 32) };
  }
  if (!Array.isArray(o.technicians) || o.technicians.length === 0 || o.technicians.length > 16) fail("technicians must list 1-16 key holders");
  const technicians = o.technicians.map((t, i) => keyHolder(t, `technicians[${i}]`));
  const mediaProfile = text(o.mediaProfile, "mediaProfile", 32);
  if (!mediaProfiles.includes(mediaProfile)) fail(`mediaProfile must be one of ${mediaProfiles.join(", ")}`);
  const pre = o.preEventMs;
  if (!Number.isInteger(pre) || (pre as number) < 0 || (pre as number) > 120_000) fail("preEventMs must be 0-120000");
  if (typeof o.continuous !== "boolean") fail("continuous must be true or false");
  const at = o.provisionedAt;
  if (!Number.isInteger(at) || (at as number) < 0) fail("provisionedAt must be ms since 1970");
  const p: Provisioning = {
    version: 1,
    deviceId,
    unit: text(o.unit, "unit"),
    technicians,
    store: keyHolder(o.store, "store"),
    mediaProfile,
    preEventMs: pre as number,
    continuous: o.continuous,
    provisionedBy: text(o.provisionedBy, "provisionedBy", 32),
    provisionedAt: at as number,
  };
  if (officer) p.officer = officer;
  if (o.storeContentKey !== undefined) {
    if (typeof o.storeContentKey !== "string" || !KEY.test(o.storeContentKey)) fail("storeContentKey must be a P-256 public key as 130 hex digits starting 04");
    p.storeContentKey = o.storeContentKey.toLowerCase();
  }
  if (o.allowClearRecording !== undefined) {
    if (typeof o.allowClearRecording !== "boolean") fail("allowClearRecording must be true or false");
    p.allowClearRecording = o.allowClearRecording;
  }
  if (o.calendar !== undefined) p.calendar = calendar(o.calendar);
  return p;
}

export function parseProvisioning(bytes: Uint8Array, mediaProfiles: readonly string[]): Provisioning {
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(bytes));
  } catch {
    fail("not JSON");
  }
  return validateProvisioning(v, mediaProfiles);
}

export function encodeProvisioning(p: Provisioning): Uint8Array {
  return utf8Encode(JSON.stringify(p, null, 1) + "\n");
}

/** The key bytes of a holder. */
export function publicKeyOf(holder: KeyHolder): Uint8Array {
  return fromHex(holder.publicKey);
}
