// Case locks on a recording's page (arts. 14-15): the data manager or the leader puts a legal
// hold on a recording's objects while its case is under review, lifts it, or extends their
// compliance retention to the case file's term. Done by the object store's engine (CaseLock),
// logged in case_locks and the audit trail.
import type { Session } from './accounts';
import { appendAudit } from './audit';
import { caseLockOf } from '../store/case-lock';
import { escapeHtml as h, form, HttpError, readBody, redirect } from './http-util';
import { actionName, t } from './i18n';
import { NoSuchRecording, recordingRange } from './recording-range';
import type { Request } from './server';

const iso = (ms: number) => new Date(Number(ms)).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
/** A date means its whole day in China Standard Time. */
const DAY_MS = 86_400_000;
export const CASE_LOCK_ROLES = ['data-manager', 'leader'] as const;

interface LockRow {
  at: number;
  actor: string;
  action: string;
  until_at: number | null;
  objects: number;
  reason: string;
}

/** The case-lock section of a recording's page: its log, and the form for those who may lock. */
export async function caseLockSection(r: Request, s: Session, deviceId: string, recording: number): Promise<string> {
  const l = r.lang;
  const rows = (await r.service.db.all('SELECT at, actor, action, until_at, objects, reason FROM case_locks WHERE device_id = $1 AND recording = $2 ORDER BY at', [deviceId, recording])) as unknown as LockRow[];
  const log = rows.map((x) => `<li>${h(iso(x.at))} ${h(x.actor)} · ${h(actionName(l, x.action))}${x.until_at === null ? '' : ` ${h(iso(x.until_at))}`} · ${x.objects} · ${h(x.reason)}</li>`).join('');
  const lockable = caseLockOf(r.service.store.backend) !== undefined;
  const mayLock = (CASE_LOCK_ROLES as readonly string[]).includes(s.role);
  const formHtml = !mayLock ? '' : !lockable ? `<p>${h(t(l, 'noObjectLock'))}</p>` : `<form method="post" action="/recordings/${h(deviceId)}/${recording}/lock" class="case-lock"><input type="hidden" name="csrf" value="${h(s.csrf)}">
<input name="reason" required aria-label="${h(t(l, 'reason'))}" placeholder="${h(t(l, 'reason'))}"> <button name="action" value="hold-on">${h(t(l, 'holdOn'))}</button> <button name="action" value="hold-off">${h(t(l, 'holdOff'))}</button>
<label>${h(t(l, 'retain'))} <input name="until" type="date" aria-label="until"></label> <button name="action" value="retain">${h(t(l, 'retain'))}</button></form>`;
  if (!mayLock && rows.length === 0) return '';
  return `<h2>${h(t(l, 'caseLock'))}</h2>${log ? `<ul class="case-locks">${log}</ul>` : ''}${formHtml}`;
}

export async function postCaseLock(r: Request, s: Session, deviceId: string, recording: number): Promise<void> {
  const body = form(await readBody(r.req, 8192));
  if (!r.session || body.get('csrf') !== r.session.csrf) throw new HttpError(403, 'missing or wrong CSRF token');
  const lock = caseLockOf(r.service.store.backend);
  if (!lock) throw new HttpError(409, 'this store has no object lock: a directory store cannot hold or retain (use the bureau store, docs/SERVICE.md)');
  const action = body.get('action');
  const reason = (body.get('reason') ?? '').trim();
  if (action !== 'hold-on' && action !== 'hold-off' && action !== 'retain') throw new HttpError(400, 'action must be hold-on, hold-off or retain');
  if (reason === '' || reason.length > 2000) throw new HttpError(400, 'a reason of 1-2000 characters is needed');
  let until: number | null = null;
  if (action === 'retain') {
    const day = body.get('until') ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00+08:00`))) throw new HttpError(400, 'retain needs a date (until)');
    until = Date.parse(`${day}T00:00:00+08:00`) + DAY_MS;
    if (until <= r.service.now()) throw new HttpError(400, `retain until ${day}: that day is past`);
  }
  let range;
  try {
    range = await recordingRange(r.service.db, await r.service.store.source.held(deviceId), deviceId, recording);
  } catch (e) {
    if (e instanceof NoSuchRecording) throw new HttpError(404, e.message);
    throw e;
  }
  const objects = action === 'retain' ? await lock.retainUntil(deviceId, until!, range.from, range.to) : await lock.legalHold(deviceId, action === 'hold-on', range.from, range.to);
  const at = r.service.now();
  await r.service.db.run('INSERT INTO case_locks (device_id, recording, at, actor, action, until_at, objects, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [deviceId, recording, at, s.name, action, until, objects, reason]);
  await appendAudit(r.service.db, { at, actor: s.name, action, target: `${deviceId}/${recording}`, detail: `entries ${range.from}-${range.to}: ${objects} objects${until === null ? '' : ` until ${iso(until)}`}: ${reason}` });
  redirect(r.res, `/recordings/${deviceId}/${recording}`);
}
