// An encrypting unit (FORMAT §7a), end to end on the simulated board: what a pulled card or a
// dumped NOR gives away, what anyone can still check, and what only the store's key reads.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEADER_FLAG_ENCRYPTED, joinSplitEntries, parseEntry, RECORDS, utf8Encode, verifyChain, type EntryFile } from '../../firmware/core/evidence';

const FRAME = RECORDS['video-frame'].code;
const AUDIO = RECORDS['audio-chunk'].code;
import { cardEntryFiles, isEvidencePath } from '../../host-sim/card/card-files';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { SimDevice } from '../../host-sim/device/sim-device';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { SoftElement } from '../../host-sim/keys/soft-element';
import { simStoreKey } from '../../host-sim/keys/sim-store-key';
import { resolveScenario } from '../../host-sim/scenario/builtin';
import { driveScenario, NodeScenarioDevice, scenarioDeviceOptions } from '../../host-sim/scenario/drive';
import type { Scenario } from '../../host-sim/scenario/types';
import { openEntry, UnverifiedEntryError } from '../../tools/crypto/decrypt-entry';
import { CONTENT_KEY_FILE } from '../../tools/crypto/store-key';
import { runCli, tempDir, writeChain } from '../support/cli';

const SEED = 1;
const encrypted = resolveScenario('encrypted');
const clearTwin: Scenario = { ...encrypted, name: 'encrypted-clear', device: { ...encrypted.device, encryption: false } };
const storeKey = simStoreKey(SEED);

/** Runs a scenario on the Node engine; `soft` makes the content keys without the secure element's device time, so the timeline is the clear twin's. */
function run(s: Scenario, soft = false): { dev: SimDevice; files: EntryFile[] } {
  const dev = new SimDevice({ ...scenarioDeviceOptions(s, { seed: SEED }), element: soft ? new SoftElement(SEED) : undefined });
  driveScenario(new NodeScenarioDevice(dev), s);
  const card = dev.slot.card ?? dev.pulledCard;
  const files = joinSplitEntries([...readVolumeFiles(dev.lfs!, isEvidencePath), ...(card ? cardEntryFiles(card) : [])]).files as EntryFile[];
  return { dev, files };
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.length).indexOf(Buffer.from(needle)) >= 0;
}

const sealed = run(encrypted);
let clearRun: ReturnType<typeof run> | undefined;
const clearOnce = () => (clearRun ??= run(clearTwin));

describe('an encrypting unit', () => {
  const secrets = [utf8Encode('李明'), utf8Encode('53032419001'), utf8Encode('罗市监处罚〔2026〕117号'), utf8Encode('JFIF')];

  test('every entry is encrypted, and the chain verifies without any key (content not read)', () => {
    expect(sealed.files.length).toBeGreaterThan(3);
    for (const f of sealed.files) expect(parseEntry(f.bytes).header.flags & HEADER_FLAG_ENCRYPTED).toBe(HEADER_FLAG_ENCRYPTED);
    const report = verifyChain(sealed.files, { checker: nodeChecker, deviceKey: sealed.dev.signer.publicKey });
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
  });

  test('the pulled card holds no JPEG, no audio run, no officer name, certificate or case number in the clear', () => {
    const clear = clearOnce();
    // What the clear unit's card shows: the same markers are there, so their absence below means something.
    const clearCard = [...(clear.dev.slot.card ?? clear.dev.pulledCard)!.writtenChunks()];
    expect(clearCard.some((c) => contains(c, utf8Encode('JFIF')))).toBe(true);
    const clearEntry = clear.files.find((f) => parseEntry(f.bytes).records.some((r) => r.code === AUDIO))!;
    const audio = parseEntry(clearEntry.bytes).records.find((r) => r.code === AUDIO)!;
    const pcmRun = audio.payload.subarray(audio.payload.length - 64);
    const card = [...(sealed.dev.slot.card ?? sealed.dev.pulledCard)!.writtenChunks()];
    expect(card.length).toBeGreaterThan(0);
    for (const chunk of card) {
      for (const s of secrets) expect(contains(chunk, s)).toBe(false);
      expect(contains(chunk, pcmRun)).toBe(false);
    }
  });

  test('the NOR image holds no officer name, certificate or case number in the clear (evidence and the sealed state files)', () => {
    const clear = clearOnce();
    // The clear unit's NOR names the officer (its recorder memory and journal), so the check below can fail.
    expect(contains(clear.dev.nor.snapshot(), secrets[0])).toBe(true);
    const nor = sealed.dev.nor.snapshot();
    for (const s of secrets) expect(contains(nor, s)).toBe(false);
  });

  test('one flipped ciphertext bit is caught by verify without a key and refused by decryption with it', () => {
    const i = sealed.files.findIndex((f) => parseEntry(f.bytes).records.some((r) => r.code === FRAME));
    const bytes = sealed.files[i].bytes.slice();
    const frame = parseEntry(bytes).records.find((r) => r.code === FRAME)!;
    bytes[frame.offset + 12 + 100] ^= 0x04;
    const files = sealed.files.map((f, k) => (k === i ? { ...f, bytes } : f));
    const report = verifyChain(files, { checker: nodeChecker });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toContain('modified');
    expect(() => openEntry(parseEntry(bytes), storeKey.privateKey)).toThrow(UnverifiedEntryError);
    expect(openEntry(parseEntry(sealed.files[i].bytes), storeKey.privateKey).header.seq).toBe(parseEntry(bytes).header.seq);
  });

  test('export with the store key gives the media bytes of the same scenario recorded in the clear', async () => {
    const clear = clearOnce();
    const soft = run(encrypted, true);
    const base = tempDir('enc-unit');
    const keyDir = join(base, 'store');
    mkdirSync(keyDir);
    writeFileSync(join(keyDir, CONTENT_KEY_FILE), storeKey.privatePem, { mode: 0o600 });
    const media = async (files: EntryFile[], name: string, ...key: string[]) => {
      const out = join(base, `${name}-copy`);
      const r = await runCli('export', writeChain(files, join(base, name)), '--out', out, ...key);
      expect(r.code).toBe(0);
      return ['recording-0001.avi', 'recording-0001.wav'].map((m) => readFileSync(join(out, 'media', m)));
    };
    const [clearAvi, clearWav] = await media(clear.files, 'clear');
    const [avi, wav] = await media(soft.files, 'encrypted', '--store-key', keyDir);
    expect(avi.length).toBeGreaterThan(1_000_000);
    expect(avi.equals(clearAvi)).toBe(true);
    expect(wav.equals(clearWav)).toBe(true);
  });
});
