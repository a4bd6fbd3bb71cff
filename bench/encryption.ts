// Encryption at rest (FORMAT §7a, issue 14): what it costs the engine per frame and per
// second, the secure element's share of a recording second, and what it adds on the card.
import { EntryKind, HEADER_FLAG_ENCRYPTED, joinSplitEntries, parseEntry, RECORD_CHECK_SIZE, RECORD_FRAME_SIZE, RECORDS, type EntryFile } from '../firmware/core/evidence';
import { cardEntryFiles, isEvidencePath } from '../host-sim/card/card-files';
import { readVolumeFiles } from '../host-sim/flash/volume-files';
import { resolveScenario } from '../host-sim/scenario/builtin';
import { runScenario } from '../host-sim/scenario/run';
import type { Scenario } from '../host-sim/scenario/types';
import { VGA_PROFILE } from '../host-sim/workload/recording';
import type { Figure } from './figure';
import { frameCost, perSecond, type FrameCost, type XsFrameResult } from './xs';

const CONTENT_KEY = RECORDS['content-key'].code;
const RECORD_START = RECORDS['record-start'].code;

/** Where the scenario's recording started, in virtual ms from power-on (the first record-start's time). */
function startedAt(files: readonly EntryFile[]): number {
  for (const f of files) {
    const e = parseEntry(f.bytes);
    const r = e.records.find((x) => x.code === RECORD_START);
    if (r) return e.header.monoStart + r.t;
  }
  throw new Error('no record-start in the run');
}

/** The clear costs the encrypted ones are set beside: xsFrameCost's, when it ran (the meter is deterministic), or measured here. */
type ClearCosts = Pick<XsFrameResult, 'costs' | 'perSecond'>;

async function measureClear(): Promise<ClearCosts> {
  const vgaMs = VGA_PROFILE.frameIntervalMs;
  const costs = [await frameCost('card', 10_000, vgaMs), await frameCost('card', 100_000, vgaMs), await frameCost('sink', 10_000), await frameCost('sink', 100_000)];
  return { costs, perSecond: [{ profile: VGA_PROFILE.name, compute: await perSecond(VGA_PROFILE) }] };
}

export async function encryptionCost(given?: ClearCosts): Promise<Figure[]> {
  const clearRun = given ?? (await measureClear());
  const vgaMs = VGA_PROFILE.frameIntervalMs;
  const find = (pick: (c: FrameCost) => boolean): FrameCost => {
    const c = clearRun.costs.find(pick);
    if (!c) throw new Error('bench: a clear frame cost the encryption figures need was not measured');
    return c;
  };
  const clearAt = (mode: 'card' | 'sink', intervalMs: number) => [10_000, 100_000].map((bytes) => find((c) => c.mode === mode && c.bytes === bytes && c.intervalMs === intervalMs));
  const clearCard = clearAt('card', vgaMs);
  const clearStore = clearAt('sink', 200);
  const clearSecond = clearRun.perSecond.find((p) => p.profile === VGA_PROFILE.name)!.compute;
  const card = [await frameCost('card', 10_000, vgaMs, true), await frameCost('card', 100_000, vgaMs, true)];
  const store = [await frameCost('sink', 10_000, 200, true), await frameCost('sink', 100_000, 200, true)];
  const encSecond = await perSecond(VGA_PROFILE, true);

  // The built-in encrypted scenario (real secure-element model on the simulated I2C bus) beside its clear twin.
  const encrypted = resolveScenario('encrypted');
  const twin: Scenario = { ...encrypted, device: { ...encrypted.device, encryption: false } };
  const enc = runScenario(encrypted, { seed: 1 });
  const clear = runScenario(twin, { seed: 1 });
  const filesOf = (r: typeof enc) => cardEntryFiles((r.device.slot.card ?? r.device.pulledCard)!);
  const chain = (r: typeof enc) => joinSplitEntries([...readVolumeFiles(r.device.lfs!, isEvidencePath), ...filesOf(r)]).files as EntryFile[];
  // The media entries are the card's (one split by the card's pull is joined with its tail from the NOR).
  const media = chain(enc).filter((f) => parseEntry(f.bytes).header.kind === EntryKind.Media);
  let cardBytes = 0;
  let keyRecordBytes = 0;
  for (const f of media) {
    const e = parseEntry(f.bytes);
    if (!(e.header.flags & HEADER_FLAG_ENCRYPTED)) throw new Error(`${f.path} is not encrypted`);
    cardBytes += f.bytes.length;
    for (const r of e.records) if (r.code === CONTENT_KEY) keyRecordBytes += RECORD_FRAME_SIZE + r.payload.length + RECORD_CHECK_SIZE;
  }
  const plaintext = cardBytes - keyRecordBytes;
  // The first content key is made before the recording's first record: the start moves by the secure element's time.
  const seMs = startedAt(chain(enc)) - startedAt(chain(clear));
  const keys = media.length;
  const recordedMs = media.reduce((n, m) => n + parseEntry(m.bytes).seal.t, 0);
  const f = (n: number) => n.toFixed(0);
  return [
    {
      figure: 'XS compute per frame, 100 KB ÷ 10 KB, encrypted (card path)',
      value: card[1].perFrame / card[0].perFrame,
      unit: 'ratio',
      aim: '≤ 1.1',
      method: `as "card path" with every entry encrypted (AES-128-CTR through crypt's Mode: one native call per payload piece, the output buffer allocated natively; the content key made and wrapped per entry, the secure element a sink): ${f(card[1].perFrame)} vs ${f(card[0].perFrame)}; clear, same run: ${f(clearCard[1].perFrame)} vs ${f(clearCard[0].perFrame)}`,
      against: 'the same encrypting store, 10 KB frames, same meter',
    },
    {
      figure: 'XS compute per frame, 100 KB ÷ 10 KB, encrypted (store alone)',
      value: store[1].perFrame / store[0].perFrame,
      unit: 'ratio',
      aim: '≤ 1.1',
      method: `as "store alone" (5 fps, in-XS sinks) with every entry encrypted: ${f(store[1].perFrame)} vs ${f(store[0].perFrame)}; clear, same run: ${f(clearStore[1].perFrame)} vs ${f(clearStore[0].perFrame)}`,
      against: 'the same encrypting store, 10 KB frames, same meter',
    },
    {
      figure: "encryption's share of XS compute per second of vga-10-16k",
      value: (encSecond - clearSecond) / encSecond,
      unit: 'ratio',
      aim: '',
      method: `60 s of the card profile on the card path after 10 s warm-up: ${f(encSecond)} meter/s encrypted vs ${f(clearSecond)} clear, same run`,
      against: 'the encrypted recording second',
    },
    {
      figure: "secure element's share of a recording second (modeled)",
      value: (keys * seMs) / recordedMs,
      unit: 'ratio',
      aim: '',
      method: `built-in "encrypted" scenario on the ATECC608 model over the simulated I2C bus: one content key (Random, GenKey into TempKey, ECDH) moves the recording's start by ${seMs} ms of device time against the clear twin; ${keys} card entries (keys) spanning ${(recordedMs / 1000).toFixed(0)} s`,
      against: 'the recorded time',
    },
    {
      figure: 'card bytes ÷ plaintext entry bytes (encrypted)',
      value: cardBytes / plaintext,
      unit: 'ratio',
      aim: '≤ 1.01',
      method: `built-in "encrypted" scenario (vga-10-16k on the card): ${media.length} media entries, ${(cardBytes / 1e6).toFixed(1)} MB; CTR adds no byte, each entry's content-key record ${keyRecordBytes / media.length} bytes`,
      against: 'the same entries without their content-key records (CTR keeps lengths)',
    },
  ];
}
