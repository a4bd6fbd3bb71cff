// `quancheng serve`: the designated store as an HTTP service on node:http (issue 15).
// Each request is handled to the end before the next starts: the object store has one
// writer, and the index's transactions share one connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { toHex } from '../../firmware/core/evidence';
import { StoreError, StoreRefusal } from '../store/errors';
import { decodeBatch, MAX_BATCH_BYTES, positionToWire, refusalStatus } from '../store/http-wire';
import { login, logout, sessionOf, type Session } from './accounts';
import { appendAudit } from './audit';
import { cookies, form, HttpError, readBody, redirect, sendBytes, sendJson } from './http-util';
import type { Lang } from './i18n';
import { auditCsvPage, auditPage, deadlinesPage, devicesPage, loginPage } from './pages';
import { approveExtension } from './deadline-board';
import { CASE_LOCK_ROLES, postCaseLock } from './case-lock-page';
import { copiesPage, copyFile, postCopyRequest, postDecision } from './copies-page';
import { postNote, recordingPage } from './recording-page';
import { CHINA_2026, dayNumber, WorkingDays } from '../../firmware/core/policy/calendar';
import type { Role } from './roles';
import type { Service } from './service';

export const SESSION_COOKIE = 'qc_session';
const CALENDAR = new WorkingDays(CHINA_2026);
const RECORDING_PATH = /^\/recordings\/([A-Za-z0-9_-]{1,16})\/([0-9]{1,15})(\/notes|\/copies|\/lock)?$/;
const COPY_PATH = /^\/copies\/([0-9a-f-]{36})\/(decide|disc\.iso|note\.html)$/;
const DEVICE_PATH = /^\/api\/devices\/([A-Za-z0-9_-]{1,16})\/(position|entries|receipt)$/;

export interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  lang: Lang;
  session: Session | undefined;
  token: string | undefined;
  service: Service;
}

function tokenOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return cookies(req).get(SESSION_COOKIE);
}

function langOf(req: IncomingMessage, url: URL): Lang {
  const asked = url.searchParams.get('lang') ?? cookies(req).get('lang');
  return asked === 'en' ? 'en' : 'zh';
}

/** The session, if its role is one of `roles`; otherwise 401/403, and a 403 is audited. */
async function require(r: Request, roles: readonly Role[]): Promise<Session> {
  if (!r.session) throw new HttpError(401, 'log in first');
  if (!roles.includes(r.session.role)) {
    await appendAudit(r.service.db, { at: r.service.now(), actor: r.session.name, action: 'denied', target: r.url.pathname, detail: `role ${r.session.role}` });
    throw new HttpError(403, `the ${r.session.role} role may not use ${r.url.pathname}`);
  }
  return r.session;
}

/** A cookie session's form must carry its CSRF token; a Bearer client sends no cookie to forge. */
function checkCsrf(r: Request, body: URLSearchParams): void {
  if (r.req.headers.authorization?.startsWith('Bearer ')) return;
  if (!r.session || body.get('csrf') !== r.session.csrf) throw new HttpError(403, 'missing or wrong CSRF token');
}

export const PAGE_ROLES = {
  devices: ['officer', 'data-manager', 'inspector', 'leader', 'technician'],
  audit: ['data-manager', 'inspector', 'leader'],
  deadlines: ['officer', 'data-manager', 'inspector', 'leader'],
  extend: ['leader'],
  recording: ['officer', 'data-manager', 'inspector', 'leader'],
  note: ['officer'],
  askCopy: ['officer'],
  copies: ['officer', 'data-manager', 'inspector', 'leader'],
  decideCopy: ['leader'],
  fetchCopy: ['officer', 'data-manager', 'leader'],
  caseLock: CASE_LOCK_ROLES,
} as const satisfies Record<string, readonly Role[]>;

async function route(r: Request): Promise<void> {
  const { req, res, url, service } = r;
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const now = service.now();

  if (method === 'GET' && path === '/api/identity') {
    const id = service.store.identity();
    return sendJson(res, 200, { id: id.id, publicKey: toHex(id.publicKey) });
  }
  if (method === 'POST' && path === '/api/login') {
    let v: { name?: unknown; password?: unknown };
    try {
      v = JSON.parse(Buffer.from(await readBody(req, 4096)).toString('utf8'));
    } catch {
      throw new HttpError(400, 'login body must be JSON {"name", "password"}');
    }
    if (typeof v.name !== 'string' || typeof v.password !== 'string') throw new HttpError(400, 'login body must be JSON {"name", "password"}');
    const result = await login(service.db, v.name, v.password, now);
    if (!result.ok) throw new HttpError(result.reason === 'locked' ? 423 : 401, result.reason === 'locked' ? 'account locked' : 'wrong account or password');
    return sendJson(res, 200, { token: result.token, role: result.session.role, expires: result.session.expires });
  }
  const device = DEVICE_PATH.exec(path);
  if (device) return offloadApi(r, method, device[1], device[2]);

  if (path === '/login' && method === 'GET') return loginPage(r, undefined);
  if (path === '/login' && method === 'POST') {
    const body = form(await readBody(req, 4096));
    const result = await login(service.db, body.get('name') ?? '', body.get('password') ?? '', now);
    if (!result.ok) return loginPage(r, result.reason);
    return redirect(res, '/', { 'set-cookie': `${SESSION_COOKIE}=${result.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor((result.session.expires - now) / 1000)}` });
  }
  if (path === '/logout' && method === 'POST') {
    checkCsrf(r, form(await readBody(req, 4096)));
    if (r.token) await logout(service.db, r.token, now);
    return redirect(res, '/login', { 'set-cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0` });
  }
  if (method === 'GET' && !r.session && !path.startsWith('/api/')) return redirect(res, '/login');
  if (method === 'GET' && path === '/') return devicesPage(r, await require(r, PAGE_ROLES.devices));
  if (method === 'GET' && path === '/deadlines') return deadlinesPage(r, await require(r, PAGE_ROLES.deadlines));
  if (method === 'POST' && path === '/deadlines/extend') {
    const s = await require(r, PAGE_ROLES.extend);
    const body = form(await readBody(req, 8192));
    checkCsrf(r, body);
    const deviceId = body.get('device') ?? '';
    const recording = Number(body.get('recording'));
    const reason = (body.get('reason') ?? '').trim();
    const until = body.get('until') ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || !Number.isSafeInteger(recording) || reason === '') throw new HttpError(400, 'an extension needs a device, a recording, a date (until) and a reason');
    const untilAt = CALENDAR.endOf(dayNumber(until));
    if (!(await approveExtension(service.db, { device_id: deviceId, recording, approved_by: s.name, at: now, until_at: untilAt, reason }))) throw new HttpError(404, `no recording ${deviceId}/${recording}`);
    await appendAudit(service.db, { at: now, actor: s.name, action: 'approve', target: `${deviceId}/${recording}`, detail: `deadline extended to ${until}: ${reason}` });
    return redirect(res, '/deadlines');
  }
  const rec = RECORDING_PATH.exec(path);
  if (rec && method === 'GET' && !rec[3]) return recordingPage(r, await require(r, PAGE_ROLES.recording), rec[1], Number(rec[2]));
  if (rec && method === 'POST' && rec[3] === '/notes') return postNote(r, await require(r, PAGE_ROLES.note), rec[1], Number(rec[2]));
  if (rec && method === 'POST' && rec[3] === '/copies') return postCopyRequest(r, await require(r, PAGE_ROLES.askCopy), rec[1], Number(rec[2]));
  if (rec && method === 'POST' && rec[3] === '/lock') return postCaseLock(r, await require(r, PAGE_ROLES.caseLock), rec[1], Number(rec[2]));
  if (method === 'GET' && path === '/copies') return copiesPage(r, await require(r, PAGE_ROLES.copies));
  const copy = COPY_PATH.exec(path);
  if (copy && method === 'POST' && copy[2] === 'decide') return postDecision(r, await require(r, PAGE_ROLES.decideCopy), copy[1]);
  if (copy && method === 'GET' && copy[2] !== 'decide') return copyFile(r, await require(r, PAGE_ROLES.fetchCopy), copy[1], copy[2] as 'disc.iso' | 'note.html');
  if (method === 'GET' && path === '/audit') return auditPage(r, await require(r, PAGE_ROLES.audit));
  if (method === 'GET' && path === '/audit.csv') return auditCsvPage(r, await require(r, PAGE_ROLES.audit));
  throw new HttpError(404, `no route ${method} ${path}`);
}

async function offloadApi(r: Request, method: string, deviceId: string, what: string): Promise<void> {
  const { req, res, url, service } = r;
  const who = await require(r, ['technician']);
  const at = service.now();
  try {
    if (what === 'position' && method === 'GET') return sendJson(res, 200, { position: positionToWire(await service.store.position(deviceId)) });
    if (what === 'entries' && method === 'POST') {
      let entries;
      try {
        entries = decodeBatch(await readBody(req, MAX_BATCH_BYTES));
      } catch (e) {
        if (e instanceof HttpError) throw e;
        throw new HttpError(400, (e as Error).message);
      }
      const result = await service.store.accept(deviceId, entries);
      await appendAudit(service.db, { at, actor: who.name, action: 'offload', target: deviceId, detail: `added ${result.added}, resent ${result.resent}, through ${result.position.throughSeq}` });
      return sendJson(res, 200, { added: result.added, resent: result.resent, position: positionToWire(result.position) });
    }
    if (what === 'receipt' && method === 'POST') {
      const time = Number(url.searchParams.get('time'));
      if (!Number.isSafeInteger(time) || time < 0) throw new HttpError(400, 'receipt needs ?time= in ms since 1970');
      const receipt = await service.store.receipt(deviceId, time);
      await appendAudit(service.db, { at, actor: who.name, action: 'receipt', target: deviceId, detail: `time ${time}` });
      return sendBytes(res, 200, receipt);
    }
  } catch (e) {
    if (!(e instanceof StoreRefusal)) throw e;
    await appendAudit(service.db, { at, actor: who.name, action: 'offload-refused', target: deviceId, detail: e.message });
    return sendJson(res, refusalStatus(e.reason), { error: 'refused', reason: e.reason, seq: e.seq, message: e.message });
  }
  throw new HttpError(405, `${method} not allowed on ${url.pathname}`);
}

async function handle(service: Service, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://service.invalid');
  const token = tokenOf(req);
  const r: Request = { req, res, url, lang: langOf(req, url), token, session: undefined, service };
  try {
    r.session = await sessionOf(service.db, token, service.now());
    await route(r);
  } catch (e) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof HttpError) return sendJson(res, e.status, { error: e.message, ...e.body });
    if (e instanceof StoreError) return sendJson(res, 500, { error: `store: ${e.message}` });
    sendJson(res, 500, { error: `internal error: ${(e as Error).message}` });
  }
}

export function serviceServer(service: Service): Server {
  let queue: Promise<void> = Promise.resolve();
  return createServer((req, res) => {
    queue = queue.then(() => handle(service, req, res)).catch(() => undefined);
  });
}

/** Listens on host:port (port 0: any free one) and resolves to the URL it serves. */
export function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      if (!a || typeof a === 'string') return reject(new Error('no address'));
      resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`);
    });
  });
}
