// The continuity rule (pure, no files): a batch is accepted only as an exact continuation
// of what the store holds. A prefix of already-held seqs is allowed when it is byte for
// byte what the store holds — that is what lets an offload cut halfway be sent again
// whole — and everything after must start at the store's next seq, go up by one, link to
// the entry before, and be intact and signed by the device key the store learned.
import { createHash } from 'node:crypto';
import {
  bytesEqual,
  checkDeviceId,
  checkIntegrity,
  entryHashSpan,
  FormatError,
  genesisLink,
  keyIdOf,
  parseEntry,
  toHex,
  type SignatureChecker,
} from '../../firmware/core/evidence';
import { announcedKey } from './announced-key';
import type { OffloadEntry } from './backend';
import { StoreRefusal } from './errors';

/** What the store holds of the device, as the rule needs it. */
export interface HeldChain {
  /** Last seq held and its link; undefined when nothing is held. */
  through?: { seq: number; link: Uint8Array };
  /** SHA-256 (hex) of the held entry file at seq (seq ≤ through.seq). */
  sha256Of(seq: number): string;
  /** The device key learned from the held entry 0 (asked only when something is held). */
  deviceKey(): Uint8Array;
}

/** An entry the batch adds, checked. */
export interface CheckedEntry {
  seq: number;
  bytes: Uint8Array;
  sha256: string;
  link: Uint8Array;
}

export interface BatchPlan {
  resent: number;
  added: CheckedEntry[];
  /** The device key the batch's entry 0 announced (first offload only). */
  learnedKey?: Uint8Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Checks a batch against the held chain; throws StoreRefusal at the first entry that fails. */
export function planBatch(deviceId: string, held: HeldChain, batch: readonly OffloadEntry[], checker: SignatureChecker): BatchPlan {
  const planner = new BatchPlanner(deviceId, held, checker);
  if (batch.length === 0) return planner.plan();
  // The batch itself first, whole: consecutive ascending seqs (the message can tell a
  // reordered batch from one with a gap only by seeing all of it).
  const first = batch[0].seq;
  const sent = new Set(batch.map((e) => e.seq));
  for (let i = 1; i < batch.length; i++) {
    const want = first + i;
    if (batch[i].seq === want) continue;
    const why = sent.has(want) || batch[i].seq < want ? `batch is out of order: entry ${batch[i].seq} sent where ${want} belongs` : `batch skips entr${batch[i].seq - want > 1 ? `ies ${want}-${batch[i].seq - 1}` : `y ${want}`}`;
    throw new StoreRefusal(sent.has(want) || batch[i].seq < want ? 'reordered' : 'gap', want, why);
  }
  for (const e of batch) planner.add(e);
  return planner.plan();
}

/**
 * planBatch one entry at a time, for a batch checked as it arrives: the same checks in the
 * same order, except that an ordering fault is seen at the entry where it occurs. add()
 * answers the entry checked when it is new, undefined when it is a re-sent held one.
 */
export class BatchPlanner {
  readonly #deviceId: string;
  readonly #held: HeldChain;
  readonly #checker: SignatureChecker;
  readonly #storeNext: number;
  readonly #added: CheckedEntry[] = [];
  #resent = 0;
  #expect: number | undefined;
  #prevLink: Uint8Array;
  #key: Uint8Array | undefined;
  #learnedKey: Uint8Array | undefined;

  constructor(deviceId: string, held: HeldChain, checker: SignatureChecker) {
    try {
      checkDeviceId(deviceId);
    } catch (e) {
      throw new StoreRefusal('bad-device-id', null, (e as Error).message);
    }
    this.#deviceId = deviceId;
    this.#held = held;
    this.#checker = checker;
    this.#storeNext = held.through ? held.through.seq + 1 : 0;
    this.#prevLink = held.through ? held.through.link : genesisLink(deviceId);
  }

  add(e: OffloadEntry): CheckedEntry | undefined {
    const next = this.#storeNext;
    if (this.#expect === undefined) {
      const first = e.seq;
      if (!Number.isInteger(first) || first < 0 || first > 0xffffffff) throw new StoreRefusal('reordered', null, `batch starts at seq ${String(first)}, not a sequence number`);
      if (first > next) throw new StoreRefusal('gap', next, `the store holds ${next === 0 ? 'nothing' : `entries 0-${next - 1}`} of ${this.#deviceId}; a batch starting at ${first} would skip entr${first - next > 1 ? `ies ${next}-${first - 1}` : `y ${next}`}`);
    } else if (e.seq !== this.#expect) {
      throw new StoreRefusal(e.seq < this.#expect ? 'reordered' : 'gap', this.#expect, `batch ${e.seq < this.#expect ? 'is out of order' : 'skips entries'}: entry ${e.seq} sent where ${this.#expect} belongs`);
    }
    this.#expect = e.seq + 1;
    // Against the store: a re-sent prefix identical, the rest starting at the next seq.
    if (e.seq < next) {
      if (sha256Hex(e.bytes) !== this.#held.sha256Of(e.seq)) throw new StoreRefusal('rewrite', e.seq, `differs from the entry ${e.seq} the store already holds (held entries are never replaced)`);
      this.#resent++;
      return undefined;
    }
    if (this.#key === undefined && e.seq > 0) this.#key = this.#held.deviceKey();
    const checked = checkEntry(this.#deviceId, e, this.#prevLink, this.#key, this.#checker);
    if (e.seq === 0) this.#key = this.#learnedKey = checked.key;
    const entry = { seq: e.seq, bytes: e.bytes, sha256: checked.sha256, link: checked.link };
    this.#added.push(entry);
    this.#prevLink = checked.link;
    return entry;
  }

  plan(): BatchPlan {
    return this.#learnedKey ? { resent: this.#resent, added: this.#added, learnedKey: this.#learnedKey } : { resent: this.#resent, added: this.#added };
  }
}

/** One new entry on its own and against the link before it. Entry 0 brings its own key. */
function checkEntry(
  deviceId: string,
  e: OffloadEntry,
  prevLink: Uint8Array,
  key: Uint8Array | undefined,
  checker: SignatureChecker,
): { link: Uint8Array; key: Uint8Array; sha256: string } {
  let parsed;
  try {
    parsed = parseEntry(e.bytes);
  } catch (err) {
    if (err instanceof FormatError) throw new StoreRefusal('malformed', e.seq, err.message);
    throw err;
  }
  // The entry hash and the file's SHA-256 (its object name) in one pass: the file is the
  // entry hash span and the seal's last fields, so the running hash is forked at the span.
  const span = entryHashSpan(parsed);
  const running = createHash('sha256').update(span);
  const integ = checkIntegrity(parsed, new Uint8Array(running.copy().digest()));
  const sha256 = running.update(e.bytes.subarray(span.length)).digest('hex');
  if (!integ.entryHashOk) throw new StoreRefusal('modified', e.seq, 'entry hash does not match its bytes');
  if (!integ.countOk) throw new StoreRefusal('modified', e.seq, `seal counts ${parsed.seal.count} records, entry has ${parsed.records.length}`);
  if (!integ.linkOk) throw new StoreRefusal('modified', e.seq, 'seal link does not follow from the entry hash');
  const h = parsed.header;
  if (h.deviceId !== deviceId) throw new StoreRefusal('foreign-device', e.seq, `entry of device ${h.deviceId}, offload is for ${deviceId}`);
  if (h.seq !== e.seq) throw new StoreRefusal('misplaced', e.seq, `sent as entry ${e.seq}, its header says ${h.seq}`);
  if (!bytesEqual(h.prevLink, prevLink))
    throw new StoreRefusal('broken-link', e.seq, `does not continue ${e.seq === 0 ? 'from the genesis link' : `entry ${e.seq - 1} (link ${toHex(prevLink).slice(0, 16)}…)`}`);
  if (e.seq === 0) {
    key = announcedKey(parsed);
    if (!key) throw new StoreRefusal('no-key', 0, 'entry 0 carries no device-key record');
  }
  if (!key) throw new Error('device key unknown for a held chain'); // HeldChain.deviceKey() must have answered
  if (!bytesEqual(parsed.seal.keyId, keyIdOf(key)))
    throw new StoreRefusal('foreign-key', e.seq, `sealed by key ${toHex(parsed.seal.keyId)}, the device key is ${toHex(keyIdOf(key))}`);
  if (!checker.verify(key, parsed.seal.link, parsed.seal.signature)) throw new StoreRefusal('bad-signature', e.seq, 'seal signature does not verify under the device key');
  return { link: parsed.seal.link.slice(), key, sha256 };
}
