// The designated store over HTTP (`quancheng offload --to http://…`): the same interface as
// DirectoryStore, answered by `quancheng serve`, so the offload runs the same continuity
// checks and gets the same signed receipts. It logs in as a technician account and sends
// the session token as a Bearer token. A refusal comes back as the StoreRefusal it was.
import { fromHex } from '../../firmware/core/evidence';
import type { AcceptResult, EvidenceStoreBackend, OffloadEntry, StoreIdentity, StorePosition } from './backend';
import { StoreError, StoreRefusal, type RefusalReason } from './errors';
import { encodeBatch, positionFromWire, type WirePosition } from './http-wire';

export interface HttpLogin {
  name: string;
  password: string;
}

export class HttpStoreBackend implements EvidenceStoreBackend {
  private constructor(
    readonly base: URL,
    readonly token: string,
    readonly storeIdentity: StoreIdentity,
  ) {}

  /** Logs in and learns the store's identity. Throws StoreError for a failed login or a service that does not answer. */
  static async connect(url: string, login: HttpLogin): Promise<HttpStoreBackend> {
    let base: URL;
    try {
      base = new URL(url.endsWith('/') ? url : url + '/');
    } catch {
      throw new StoreError(`not a URL: ${url}`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new StoreError(`not an http(s) URL: ${url}`);
    const logged = await call(new URL('api/login', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login) });
    const { token } = (await logged.json()) as { token: string };
    const id = (await (await call(new URL('api/identity', base), {})).json()) as { id: string; publicKey: string };
    return new HttpStoreBackend(base, token, { id: id.id, publicKey: fromHex(id.publicKey) });
  }

  identity(): StoreIdentity {
    return { id: this.storeIdentity.id, publicKey: this.storeIdentity.publicKey.slice() };
  }

  async position(deviceId: string): Promise<StorePosition | undefined> {
    const r = await this.#call(deviceId, 'position', { method: 'GET' });
    return positionFromWire(((await r.json()) as { position: WirePosition | null }).position);
  }

  async accept(deviceId: string, entries: readonly OffloadEntry[]): Promise<AcceptResult> {
    const r = await this.#call(deviceId, 'entries', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: encodeBatch(entries) });
    const v = (await r.json()) as { added: number; resent: number; position: WirePosition };
    return { deviceId, added: v.added, resent: v.resent, position: positionFromWire(v.position)! };
  }

  async receipt(deviceId: string, time: number): Promise<Uint8Array> {
    const r = await this.#call(deviceId, `receipt?time=${time}`, { method: 'POST' });
    return new Uint8Array(await r.arrayBuffer());
  }

  #call(deviceId: string, what: string, init: RequestInit): Promise<Response> {
    const url = new URL(`api/devices/${encodeURIComponent(deviceId)}/${what}`, this.base);
    return call(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.token}` } });
  }
}

async function call(url: URL, init: RequestInit): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url, init);
  } catch (e) {
    throw new StoreError(`${url.origin}: no answer (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message})`);
  }
  if (r.ok) return r;
  let v: { error?: string; reason?: RefusalReason; seq?: number | null; message?: string } = {};
  try {
    v = (await r.json()) as typeof v;
  } catch {
    // not JSON: the status alone below
  }
  if (v.error === 'refused' && v.reason) {
    const refusal = new StoreRefusal(v.reason, v.seq ?? null, '');
    refusal.message = v.message ?? refusal.message;
    throw refusal;
  }
  throw new StoreError(`${url.origin}${url.pathname}: HTTP ${r.status}: ${v.error ?? r.statusText}`);
}
