// A provisioning takes effect: what changed is journaled (rule art. 5, 15: who the device is
// assigned to, by whom), whether it came over the maintenance port or pre-loaded on the
// volume by `quancheng flash`. The last provisioning journaled is kept beside the file, so a
// reboot journals nothing twice and a pre-loaded one is journaled at its first boot.
import { bytesEqual } from "../evidence/bytes";
import type { Recorder } from "../recorder/recorder";
import type { EvidenceStore } from "../storage/evidence-store";
import type { StateFiles } from "../storage/state-files";
import { encodeProvisioning, parseProvisioning, type Provisioning } from "./provisioning";

export const APPLIED_PATH = "config/applied.json";
const APPLIED_NEW_PATH = "config/applied.json.new";

/** The provisioning last journaled, if any (a damaged copy counts as none: journaling again is harmless). */
export function lastApplied(files: StateFiles, mediaProfiles: readonly string[]): Provisioning | undefined {
  if (!files.exists(APPLIED_PATH)) return undefined;
  try {
    return parseProvisioning(files.read(APPLIED_PATH), mediaProfiles);
  } catch {
    return undefined;
  }
}

/** Journals what `p` changes relative to `before`, then records `p` as applied. */
export function applyProvisioning(files: StateFiles, store: EvidenceStore, recorder: Recorder, p: Provisioning, before: Provisioning | undefined, by: string): void {
  const encoded = encodeProvisioning(p);
  if (before && bytesEqual(encodeProvisioning(before), encoded)) return;
  const setting = (key: string, value: string, old: string | undefined) => {
    if (value !== old) store.journal("config", { key, value, setBy: by });
  };
  const calendar = (x: Provisioning) => (x.calendar ? x.calendar.source : "default");
  setting("unit", p.unit, before?.unit);
  setting("technicians", p.technicians.map((t) => t.id).join(","), before?.technicians.map((t) => t.id).join(","));
  setting("store", p.store.id, before?.store.id);
  setting("media-profile", p.mediaProfile, before?.mediaProfile);
  setting("pre-event-ms", String(p.preEventMs), before ? String(before.preEventMs) : undefined);
  setting("calendar", calendar(p), before ? calendar(before) : undefined);
  const content = (x: Provisioning) => (x.storeContentKey ? `encrypted:${x.storeContentKey.slice(2, 18)}` : x.allowClearRecording ? "clear" : "refused");
  setting("content", content(p), before ? content(before) : undefined);
  const officer = recorder.memory.officer;
  if (p.officer && (!officer || officer.name !== p.officer.name || officer.certificate !== p.officer.certificate || officer.unit !== p.unit))
    recorder.assignOfficer(p.officer.name, p.officer.certificate, p.unit, by);
  if (p.continuous !== recorder.memory.continuous) recorder.setContinuous(p.continuous, "technician");
  files.write(APPLIED_PATH, APPLIED_NEW_PATH, encoded);
}
