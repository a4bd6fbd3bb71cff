// The designated store over HTTP (`quancheng offload --to http://…`): the same interface as
// DirectoryStore, answered by `quancheng serve`, so the offload runs the same continuity
// checks and gets the same signed receipts. It logs in as a technician account and sends
// the session token as a Bearer token. A refusal comes back as the StoreRefusal it was.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fromHex } from '../../firmware/core/evidence';
import type { AcceptResult, EvidenceStoreBackend, OffloadEntry, StoreIdentity, StorePosition } from './backend';
import { StoreError, StoreRefusal, type RefusalReason } from './errors';
import { batchHead, positionFromWire, type WirePosition } from './http-wire';

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
    const url = this.#url(deviceId, 'entries');
    const r = await answered(url, await postBatch(url, this.token, entries));
    const v = (await r.json()) as { added: number; resent: number; position: WirePosition };
    return { deviceId, added: v.added, resent: v.resent, position: positionFromWire(v.position)! };
  }

  async receipt(deviceId: string, time: number): Promise<Uint8Array> {
    const r = await this.#call(deviceId, `receipt?time=${time}`, { method: 'POST' });
    return new Uint8Array(await r.arrayBuffer());
  }

  #url(deviceId: string, what: string): URL {
    return new URL(`api/devices/${encodeURIComponent(deviceId)}/${what}`, this.base);
  }

  #call(deviceId: string, what: string, init: RequestInit): Promise<Response> {
    const url = this.#url(deviceId, what);
    return call(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.token}` } });
  }
}

function noAnswer(url: URL, e: unknown): StoreError {
  return new StoreError(`${url.origin}: no answer (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message})`);
}

async function call(url: URL, init: RequestInit): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url, init);
  } catch (e) {
    throw noAnswer(url, e);
  }
  return answered(url, r);
}

/**
 * POSTs a batch entry by entry with node:http, each entry's bytes written as they are (no
 * copy, no web stream between them and the socket: on loopback that halves the time on the
 * wire), waiting for the socket to drain between entries. The answer as a fetch Response.
 */
function postBatch(url: URL, token: string, entries: readonly OffloadEntry[]): Promise<Response> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` } }, (res: IncomingMessage) => {
      // The answer is a short JSON document: read whole, then one Response (no web stream over the socket).
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(noAnswer(url, e)));
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, statusText: res.statusMessage, headers }));
      });
    });
    req.on('error', (e) => reject(noAnswer(url, e)));
    void (async () => {
      for (const e of entries) {
        req.write(batchHead(e));
        if (!req.write(e.bytes)) await drained(req);
        if (req.destroyed) return;
      }
      req.end();
    })();
  });
}

/** The socket took what was written, or the request has ended (then nothing more is written). */
function drained(req: ClientRequest): Promise<void> {
  return new Promise((go) => {
    req.once('drain', go);
    req.once('close', go);
  });
}

async function answered(url: URL, r: Response): Promise<Response> {
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
