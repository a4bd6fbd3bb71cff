// The evidence-copy pages (art. 16): the officer asks from a recording's page, the leader in
// charge decides on /copies, and only then may the asker (or the leader, or the data
// manager) download the disc image or read the note. Every step is audited.
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from './accounts';
import { appendAudit } from './audit';
import { askCopy, copyDir, copyIso, copyRequest, copyRequests, decideCopy, produceCopy, type CopyRequest } from './copies';
import { escapeHtml as h, form, HttpError, readBody, redirect, sendHtml } from './http-util';
import { t } from './i18n';
import { langCookie, layout } from './pages';
import { maySee, refuseUnlessMaySee } from './evidence-access';
import type { Request } from './server';

export const MAX_REASON_CHARS = 2000;
const iso = (ms: number | null) => (ms === null ? '' : new Date(Number(ms)).toISOString().replace('T', ' ').slice(0, 19) + 'Z');

async function fields(r: Request): Promise<URLSearchParams> {
  const body = form(await readBody(r.req, 16 * 1024));
  if (!r.session || body.get('csrf') !== r.session.csrf) throw new HttpError(403, 'missing or wrong CSRF token');
  return body;
}

function reasonOf(body: URLSearchParams): string {
  const reason = (body.get('reason') ?? '').trim();
  if (reason === '' || reason.length > MAX_REASON_CHARS) throw new HttpError(400, `a reason of 1-${MAX_REASON_CHARS} characters is needed`);
  return reason;
}

/** The form on a recording's page for its officer. */
export function askForm(s: Session, deviceId: string, recording: number, l: Request['lang']): string {
  return `<form method="post" action="/recordings/${h(deviceId)}/${recording}/copies"><input type="hidden" name="csrf" value="${h(s.csrf)}">
<label>${h(t(l, 'askCopy'))} — ${h(t(l, 'reason'))} <input name="reason" required maxlength="${MAX_REASON_CHARS}" size="50"></label> <button>${h(t(l, 'askCopy'))}</button></form>`;
}

export async function postCopyRequest(r: Request, s: Session, deviceId: string, recording: number): Promise<void> {
  const body = await fields(r);
  await refuseUnlessMaySee(r, s, deviceId, recording);
  const reason = reasonOf(body);
  const known = await r.service.db.all('SELECT recording FROM recordings WHERE device_id = $1 AND recording = $2', [deviceId, recording]);
  if (known.length === 0) throw new HttpError(404, `no recording ${deviceId}/${recording}`);
  const at = r.service.now();
  const req = await askCopy(r.service.db, { device_id: deviceId, recording, asked_by: s.name, asked_at: at, reason });
  await appendAudit(r.service.db, { at, actor: s.name, action: 'copy-request', target: `${deviceId}/${recording}`, detail: `request ${req.id}: ${reason}` });
  redirect(r.res, '/copies');
}

/** Who may fetch an approved copy: its asker, the leader, the data manager who keeps the store. */
const mayFetch = (s: Session, c: CopyRequest) => c.state === 'approved' && (c.asked_by === s.name || s.role === 'leader' || s.role === 'data-manager');

export async function copiesPage(r: Request, s: Session): Promise<void> {
  const l = r.lang;
  const rows = await copyRequests(r.service.db, s.role === 'officer' ? s.name : undefined);
  await appendAudit(r.service.db, { at: r.service.now(), actor: s.name, action: 'view', target: '/copies', detail: `${rows.length} requests` });
  const row = (c: CopyRequest) => {
    const decide = s.role === 'leader' && c.state === 'asked'
      ? `<form method="post" action="/copies/${h(c.id)}/decide"><input type="hidden" name="csrf" value="${h(s.csrf)}"><input name="reason" required aria-label="${h(t(l, 'reason'))}" maxlength="${MAX_REASON_CHARS}">
<button name="decision" value="approve">${h(t(l, 'approveCopy'))}</button> <button name="decision" value="refuse">${h(t(l, 'refuseCopy'))}</button></form>`
      : '';
    const fetch = mayFetch(s, c) ? `<a href="/copies/${h(c.id)}/disc.iso">${h(t(l, 'download'))}</a> · <a href="/copies/${h(c.id)}/note.html">${h(t(l, 'copyNote'))}</a>` : '';
    const decided = c.decided_by ? `${h(c.decided_by)} · ${h(iso(c.decided_at))} · ${h(c.decision_reason ?? '')}` : '';
    return `<tr class="${h(c.state)}" data-id="${h(c.id)}"><td><a href="/recordings/${h(c.device_id)}/${c.recording}">${h(c.device_id)}/${c.recording}</a></td><td>${h(c.asked_by)} · ${h(iso(c.asked_at))}</td><td>${h(c.reason)}</td><td>${h(t(l, c.state))}</td><td>${decided}</td><td>${decide}${fetch}</td></tr>`;
  };
  const body = `<p>${h(t(l, 'copyRule'))}</p>
${rows.length ? `<table><tr><th>${h(t(l, 'recording'))}</th><th>${h(t(l, 'askedBy'))}</th><th>${h(t(l, 'reason'))}</th><th></th><th>${h(t(l, 'decidedBy'))}</th><th></th></tr>
${rows.map(row).join('\n')}</table>` : `<p>${h(t(l, 'none'))}</p>`}`;
  sendHtml(r.res, 200, layout(r, t(l, 'copies'), body, s), langCookie(r));
}

export async function postDecision(r: Request, s: Session, id: string): Promise<void> {
  const body = await fields(r);
  const reason = reasonOf(body);
  const decision = body.get('decision');
  if (decision !== 'approve' && decision !== 'refuse') throw new HttpError(400, 'decision must be approve or refuse');
  const c = await copyRequest(r.service.db, id);
  if (!c) throw new HttpError(404, `no copy request ${id}`);
  if (c.state !== 'asked') throw new HttpError(409, `copy request ${id} is already ${c.state}`);
  const at = r.service.now();
  const target = `${c.device_id}/${c.recording}`;
  // The package first: an approval is recorded only once its copy exists whole.
  if (decision === 'approve') {
    const made = await produceCopy(r.service.copies, r.service.db, r.service.store.source, c, at, r.service.contentKey);
    await appendAudit(r.service.db, { at, actor: s.name, action: 'copy-made', target, detail: `request ${id}: ${made.files} files, ${made.bytes} bytes` });
  }
  if (!(await decideCopy(r.service.db, id, { state: decision === 'approve' ? 'approved' : 'refused', by: s.name, at, reason }))) throw new HttpError(409, `copy request ${id} was decided meanwhile`);
  await appendAudit(r.service.db, { at, actor: s.name, action: decision === 'approve' ? 'approve' : 'refuse', target, detail: `copy request ${id}: ${reason}` });
  redirect(r.res, '/copies');
}

/** The disc image or the note of an approved copy, to those who may have it. */
export async function copyFile(r: Request, s: Session, id: string, file: 'disc.iso' | 'note.html'): Promise<void> {
  const c = await copyRequest(r.service.db, id);
  if (!c) throw new HttpError(404, `no copy request ${id}`);
  if (!mayFetch(s, c) || (s.role === 'officer' && !(await maySee(r, s, c.device_id)))) {
    await appendAudit(r.service.db, { at: r.service.now(), actor: s.name, action: 'denied', target: `${c.device_id}/${c.recording}`, detail: `copy ${id} (${c.state})` });
    throw new HttpError(403, c.state === 'approved' ? `${s.name} may not fetch copy ${id}` : `copy request ${id} is ${c.state}: nothing to download`);
  }
  const path = file === 'disc.iso' ? copyIso(r.service.copies, id) : join(copyDir(r.service.copies, id), 'note.html');
  await appendAudit(r.service.db, { at: r.service.now(), actor: s.name, action: 'download', target: `${c.device_id}/${c.recording}`, detail: `copy ${id} ${file}` });
  const headers: Record<string, string | number> = { 'content-length': statSync(path).size, 'cache-control': 'no-store' };
  if (file === 'disc.iso') Object.assign(headers, { 'content-type': 'application/x-iso9660-image', 'content-disposition': `attachment; filename="${c.device_id}-${c.recording}-${id.slice(0, 8)}.iso"` });
  else headers['content-type'] = 'text/html; charset=utf-8';
  r.res.writeHead(200, headers);
  await new Promise<void>((resolve, reject) => createReadStream(path).on('error', reject).on('end', resolve).pipe(r.res));
}
