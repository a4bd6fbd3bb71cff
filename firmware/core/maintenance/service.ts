// The device side of the maintenance port (docs/MAINTENANCE.md): one request frame in, one
// response frame out. Reading evidence, provisioning, setting the clock, receipts and
// reclaiming space need an authenticated technician (rule art. 16); every refusal of
// those is journaled, and deletion is refused to everyone, always.
import { ByteReader, toHex, fromHex, FormatError } from "../evidence/bytes";
import { HEADER_SIZE, NO_SEQ } from "../evidence/format";
import { decodeHeader } from "../evidence/header";
import type { SignatureChecker } from "../evidence/signer";
import type { Recorder } from "../recorder/recorder";
import type { EvidenceStore } from "../storage/evidence-store";
import { authDocument, ChallengeSource } from "./auth";
import { decodeMessage, encodeMessage, FrameKind, MAX_PAYLOAD, MessageError, PROTOCOL_VERSION, type Frame, type Message } from "./frame";
import { publicKeyOf, validateProvisioning, ProvisioningError, type Provisioning } from "./provisioning";
import { decodeSignedReceipt } from "./receipt";

/** What the service needs of the device. */
export interface MaintenanceDevice {
  readonly firmware: { version: string; build: string };
  readonly mediaProfiles: readonly string[];
  readonly checker: SignatureChecker;
  readonly clock: { mono(): number; wall(): number | undefined; set(ms: number): number | undefined };
  /** The device's id, undefined while it has none (never provisioned). */
  identity(): string | undefined;
  /** The evidence store and recorder, undefined while the device has no identity. */
  store(): EvidenceStore | undefined;
  recorder(): Recorder | undefined;
  provisioning(): Provisioning | undefined;
  /** Keeps the provisioning on the volume and applies it (starting the chain on a device that had none). */
  provision(p: Provisioning, by: string): void;
  battery(): { millivolts: number; percent: number } | undefined;
  bootCount(): number;
  random(): number;
  /** How the volume came up: "mounted", "formatted", or why it could not be ("unreadable", ...). */
  readonly volume: string;
  /** The evidence card: its state, identity and the last event ("" note: none), or undefined on a unit without a slot. */
  card?: () => { state: string; serial: string; capacityBytes: number; note: string; queuePeak: number; mediaLost: { frames: number; audioChunks: number; fixes: number; bytes: number } } | undefined;
}

/** Most entries one `list` answers. */
export const LIST_MAX = 256;
/** Most entry bytes one `read` answers: a full frame with room for the head. */
export const READ_MAX = MAX_PAYLOAD - 1024;
/** An authenticated session ends after this long without a request. */
export const SESSION_IDLE_MS = 10 * 60_000;
/** After this many failed authentications, authentication is refused for LOCKOUT_MS. */
export const MAX_AUTH_FAILURES = 5;
export const LOCKOUT_MS = 60_000;

const seqOrNull = (seq: number): number | null => (seq === NO_SEQ ? null : seq);

type Code = "denied" | "refused" | "bad-request" | "failed" | "unprovisioned";

class Refusal extends Error {
  readonly code: Code;
  constructor(code: Code, message: string) {
    super(message);
    this.code = code;
  }
}

type Handler = (head: Record<string, unknown>, body: Uint8Array) => Message;

function str(head: Record<string, unknown>, key: string, max = 200): string {
  const v = head[key];
  if (typeof v !== "string" || v.length > max) throw new Refusal("bad-request", `${key} must be a string`);
  return v;
}

function int(head: Record<string, unknown>, key: string, min: number, max: number, fallback?: number): number {
  const v = head[key] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new Refusal("bad-request", `${key} must be an integer ${min}-${max}`);
  return v;
}

export class MaintenanceService {
  readonly #d: MaintenanceDevice;
  readonly #challenges: ChallengeSource;
  #challenge: Uint8Array | undefined;
  #technician: string | undefined;
  #lastRequest = 0;
  #failures = 0;
  #lockedUntil = 0;
  readonly #open: Record<string, Handler>;
  readonly #sensitive: Record<string, Handler>;
  /** Requests answered, and requests that were not well-formed messages (garbage costs the decoder, not this). */
  handled = 0;
  malformed = 0;

  constructor(device: MaintenanceDevice) {
    this.#d = device;
    this.#challenges = new ChallengeSource(device.bootCount(), () => device.random());
    this.#open = {
      hello: () => this.#hello(),
      status: () => ({ head: { ok: true, ...this.#status() } }),
      auth: (h) => this.#auth(h),
      bye: () => {
        this.#technician = undefined;
        return { head: { ok: true } };
      },
      delete: (h) => this.#delete(h),
      provision: (h) => this.#provision(h),
    };
    this.#sensitive = {
      time: (h) => this.#time(h),
      list: (h) => this.#list(h),
      read: (h) => this.#read(h),
      receipt: (_h, body) => this.#receipt(body),
      reclaim: () => this.#reclaim(),
      // The configuration in force: the provisioning and the case context. Changed by `provision`.
      config: () => ({ head: { ok: true, provisioning: this.#d.provisioning() ?? null, case: this.#d.recorder()?.memory.caseTag ?? null, continuous: this.#d.recorder()?.memory.continuous ?? null } }),
    };
  }

  /** The technician authenticated now, if any. */
  get technician(): string | undefined {
    return this.#technician;
  }

  /** Ends an idle session (called from the device's periodic tick). */
  tick(): void {
    if (this.#technician !== undefined && this.#d.clock.mono() - this.#lastRequest > SESSION_IDLE_MS) this.#technician = undefined;
  }

  /** The connection went away: nobody stays logged in on a cable that was pulled. */
  disconnected(): void {
    this.#technician = undefined;
    this.#challenge = undefined;
  }

  handle(request: Frame): Frame {
    const answer = (m: Message): Frame => {
      let payload = encodeMessage(m);
      if (payload.length > MAX_PAYLOAD) payload = encodeMessage({ head: { ok: false, error: "failed", message: "answer too large" } });
      return { kind: FrameKind.Response, id: request.id, payload };
    };
    if (request.kind !== FrameKind.Request) return answer({ head: { ok: false, error: "bad-request", message: "expected a request frame" } });
    let m: Message;
    try {
      m = decodeMessage(request.payload);
    } catch (e) {
      this.malformed++;
      return answer({ head: { ok: false, error: "bad-request", message: e instanceof MessageError ? e.message : "unreadable message" } });
    }
    const cmd = typeof m.head.cmd === "string" ? m.head.cmd : "";
    this.handled++;
    this.tick();
    this.#lastRequest = this.#d.clock.mono();
    try {
      const open = Object.hasOwn(this.#open, cmd) ? this.#open[cmd] : undefined;
      const sensitive = Object.hasOwn(this.#sensitive, cmd) ? this.#sensitive[cmd] : undefined;
      if (open) return answer(open(m.head, m.body ?? new Uint8Array(0)));
      if (!sensitive) throw new Refusal("bad-request", `unknown command ${JSON.stringify(cmd.slice(0, 32))}`);
      if (this.#technician === undefined) {
        this.#deny(cmd, "not authenticated");
        throw new Refusal("denied", `${cmd} needs an authenticated technician`);
      }
      return answer(sensitive(m.head, m.body ?? new Uint8Array(0)));
    } catch (e) {
      if (e instanceof Refusal) return answer({ head: { ok: false, error: e.code, message: e.message } });
      // A fault inside a command (a flash error, a bug) is answered, never allowed to stop the device.
      return answer({ head: { ok: false, error: "failed", message: e instanceof Error ? e.message : String(e) } });
    }
  }

  // ---- open commands

  #hello(): Message {
    this.#challenge = this.#challenges.next(this.#d.clock.mono());
    return {
      head: {
        ok: true,
        protocol: PROTOCOL_VERSION,
        deviceId: this.#d.identity() ?? null,
        firmware: this.#d.firmware,
        provisioned: this.#d.provisioning() !== undefined,
        challenge: toHex(this.#challenge),
        technician: this.#technician ?? null,
      },
    };
  }

  #auth(h: Record<string, unknown>): Message {
    const id = str(h, "technician", 32);
    const now = this.#d.clock.mono();
    const challenge = this.#challenge;
    this.#challenge = undefined; // one attempt per challenge
    const deviceId = this.#d.identity();
    const p = this.#d.provisioning();
    if (now < this.#lockedUntil) this.#authFailed(id, "too many failed attempts; wait", false);
    if (!p || deviceId === undefined) this.#authFailed(id, "the device has no technician keys (not provisioned)", false);
    if (!challenge) this.#authFailed(id, "no challenge issued (send hello first)", false);
    const holder = p.technicians.find((t) => t.id === id);
    let signature: Uint8Array;
    try {
      signature = fromHex(str(h, "signature", 128));
    } catch {
      throw new Refusal("bad-request", "signature must be 128 hex digits");
    }
    if (!holder || !this.#d.checker.verify(publicKeyOf(holder), authDocument(deviceId, challenge), signature)) this.#authFailed(id, holder ? "signature does not verify" : "unknown technician", true);
    this.#technician = id;
    this.#failures = 0;
    return { head: { ok: true, technician: id, name: holder.name } };
  }

  #authFailed(id: string, reason: string, counts: boolean): never {
    if (counts && ++this.#failures >= MAX_AUTH_FAILURES) {
      this.#failures = 0;
      this.#lockedUntil = this.#d.clock.mono() + LOCKOUT_MS;
    }
    this.#deny(`auth ${id}`.slice(0, 64), reason);
    throw new Refusal("denied", `authentication refused: ${reason}`);
  }

  #delete(h: Record<string, unknown>): Message {
    const target = typeof h.target === "string" ? h.target.slice(0, 200) : "(unspecified)";
    const requester = this.#technician ?? "unauthenticated";
    const recorder = this.#d.recorder();
    if (recorder) recorder.requestDeletion(target, "maintenance", requester);
    throw new Refusal("refused", "evidence is never deleted (rule art. 16); the request is journaled");
  }

  /** The first provisioning of a device without technician keys comes from the cable; every later one needs a technician. */
  #provision(h: Record<string, unknown>): Message {
    const current = this.#d.provisioning();
    if (current && this.#technician === undefined) {
      this.#deny("provision", "not authenticated");
      throw new Refusal("denied", "provision needs an authenticated technician");
    }
    let p: Provisioning;
    try {
      p = validateProvisioning(h.provisioning, this.#d.mediaProfiles);
    } catch (e) {
      if (e instanceof ProvisioningError) throw new Refusal("bad-request", e.message);
      throw e;
    }
    const id = this.#d.identity();
    const store = this.#d.store();
    // Once the chain is open its entries carry the id (and its genesis link binds it).
    if (id !== undefined && p.deviceId !== id && store) throw new Refusal("refused", `the chain belongs to device ${id}; its id cannot change`);
    this.#d.provision(p, this.#technician ?? `${p.provisionedBy} (first provisioning)`);
    return { head: { ok: true, deviceId: p.deviceId } };
  }

  // ---- technician commands

  #time(h: Record<string, unknown>): Message {
    const time = int(h, "time", Date.UTC(2020, 0, 1), Date.UTC(2100, 0, 1));
    const old = this.#d.clock.set(time);
    this.#d.store()?.journal("time-set", { oldTime: old ?? 0, newTime: time, source: "technician" });
    return { head: { ok: true, oldTime: old ?? null, newTime: time } };
  }

  #list(h: Record<string, unknown>): Message {
    const store = this.#needStore();
    const from = int(h, "from", 0, 0xfffffffe, 0);
    const max = int(h, "max", 1, LIST_MAX, LIST_MAX);
    const entries = store.sealedEntries(from, max).map((e) => [e.seq, e.size]);
    return { head: { ok: true, entries, nextSeq: store.head.nextSeq, firstHeld: store.firstHeld } };
  }

  #read(h: Record<string, unknown>): Message {
    const store = this.#needStore();
    const seq = int(h, "seq", 0, 0xfffffffe);
    const offset = int(h, "offset", 0, 0x7fffffff, 0);
    const length = int(h, "length", 1, READ_MAX, READ_MAX);
    const bytes = store.readEntry(seq, offset, length);
    if (!bytes) throw new Refusal("refused", `entry ${seq} is not on the device`);
    return { head: { ok: true, seq, offset }, body: bytes };
  }

  #receipt(body: Uint8Array): Message {
    const store = this.#needStore();
    const p = this.#d.provisioning();
    if (!p) throw new Refusal("unprovisioned", "the device knows no designated store");
    let r;
    try {
      r = decodeSignedReceipt(body);
    } catch (e) {
      if (e instanceof FormatError) throw new Refusal("bad-request", `receipt: ${e.message}`);
      throw e;
    }
    const deny = (why: string): never => {
      this.#deny("receipt", why);
      throw new Refusal("refused", `receipt refused: ${why}`);
    };
    if (r.body.store !== p.store.id) deny(`from store ${JSON.stringify(r.body.store)}, the designated store is ${JSON.stringify(p.store.id)}`);
    if (!this.#d.checker.verify(publicKeyOf(p.store), r.document, r.signature)) deny("the store's signature does not verify");
    if (r.body.deviceId !== this.#d.identity()) deny(`for device ${JSON.stringify(r.body.deviceId)}`);
    try {
      store.acceptReceipt({ store: r.body.store, throughSeq: r.body.throughSeq, throughLink: r.body.throughLink, hash: r.hash, signature: r.signature });
    } catch (e) {
      if (e instanceof RangeError) deny(e.message);
      throw e;
    }
    this.#d.recorder()?.offloadedExcept(this.#recordingsAfter(store, r.body.throughSeq));
    return { head: { ok: true, throughSeq: r.body.throughSeq } };
  }

  #reclaim(): Message {
    const store = this.#needStore();
    if (this.#d.recorder()?.state !== "standby") throw new Refusal("refused", "the device is recording; reclaim when it is in standby");
    const r = store.reclaim();
    return { head: { ok: true, ...r, free: store.space().freeBytes } };
  }

  // ---- helpers

  #needStore(): EvidenceStore {
    const s = this.#d.store();
    if (!s) throw new Refusal("unprovisioned", "the device is not provisioned: it holds no evidence");
    return s;
  }

  /** Recordings with entries after `seq` still on the device only. */
  #recordingsAfter(store: EvidenceStore, seq: number): number[] {
    const out: number[] = [];
    for (const e of store.sealedEntries(seq + 1, LIST_MAX)) {
      const bytes = store.readEntry(e.seq, 0, HEADER_SIZE);
      if (!bytes || bytes.length < HEADER_SIZE) continue;
      const rec = decodeHeader(new ByteReader(bytes)).recording;
      if (rec !== 0 && !out.includes(rec)) out.push(rec);
    }
    const open = store.recording;
    if (open !== 0 && !out.includes(open)) out.push(open);
    return out;
  }

  #deny(command: string, reason: string): void {
    this.#d.store()?.journal("access-denied", { command, via: "maintenance", reason });
  }

  #status(): Record<string, unknown> {
    const store = this.#d.store();
    const recorder = this.#d.recorder();
    const wall = this.#d.clock.wall();
    const p = this.#d.provisioning();
    return {
      deviceId: this.#d.identity() ?? null,
      firmware: this.#d.firmware,
      provisioned: p !== undefined,
      volume: this.#d.volume,
      card: this.#d.card?.() ?? null,
      unit: p?.unit ?? null,
      officer: recorder?.memory.officer ?? null,
      clock: { time: wall ?? null, set: wall !== undefined },
      battery: this.#d.battery() ?? null,
      storage: store ? store.space() : null,
      chain: store ? { nextSeq: store.head.nextSeq, link: toHex(store.head.link), entries: store.entriesStored, bytes: store.bytesStored, firstHeld: store.firstHeld, receiptThrough: seqOrNull(store.offload.receiptThrough), reclaimedThrough: seqOrNull(store.offload.reclaimedThrough) } : null,
      recorder: recorder ? { state: recorder.state, recording: recorder.recording, continuous: recorder.memory.continuous } : null,
      deadlines: recorder ? recorder.pendingOffloads.map((d) => ({ recording: d.recording, startedAt: d.startedAt, deadline: d.deadline, warned: d.warned })) : [],
      technician: this.#technician ?? null,
    };
  }
}
