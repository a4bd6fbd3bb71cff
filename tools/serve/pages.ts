// Server-rendered pages: no scripts; forms POST with the session's CSRF token.
import { appendAudit, auditCsv, auditRows, verifyAudit } from './audit';
import type { Session } from './accounts';
import { escapeHtml as h, sendBytes, sendHtml } from './http-util';
import { actionName, ROLE_NAME, t, type Lang } from './i18n';
import type { Request } from './server';
import { boardPage, BOARD_PAGE, decodeBoardKey, encodeBoardKey, type BoardRow } from './deadline-board';

const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';

export function layout(r: Request, title: string, body: string, session?: Session): string {
  const lang = r.lang;
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  const nav = session
    ? `<nav><a href="/">${h(t(lang, 'devices'))}</a> · <a href="/deadlines">${h(t(lang, 'deadlines'))}</a> · <a href="/copies">${h(t(lang, 'copies'))}</a> · <a href="/audit">${h(t(lang, 'audit'))}</a> · ${h(session.name)} (${h(ROLE_NAME[session.role][lang])})
<form method="post" action="/logout" style="display:inline"><input type="hidden" name="csrf" value="${h(session.csrf)}"><button>${h(t(lang, 'logout'))}</button></form>
· <a href="?lang=${other}">${other === 'en' ? 'English' : '中文'}</a></nav>`
    : `<nav><a href="?lang=${other}">${other === 'en' ? 'English' : '中文'}</a></nav>`;
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${h(title)} — ${h(t(lang, 'title'))}</title>
<style>body{font-family:"Noto Sans CJK SC",sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;text-align:left}code{font-size:.85em}</style></head>
<body>${nav}<h1>${h(title)}</h1>${body}</body></html>`;
}

export function langCookie(r: Request): Record<string, string> {
  const asked = r.url.searchParams.get('lang');
  return asked === 'en' || asked === 'zh' ? { 'set-cookie': `lang=${asked}; SameSite=Strict; Path=/` } : {};
}

export function loginPage(r: Request, failure: 'wrong' | 'locked' | undefined): void {
  const l = r.lang;
  const message = failure ? `<p role="alert">${h(t(l, failure))}</p>` : '';
  const body = `${message}<form method="post" action="/login">
<label>${h(t(l, 'name'))} <input name="name" autocomplete="username" required></label>
<label>${h(t(l, 'password'))} <input name="password" type="password" autocomplete="current-password" required></label>
<button>${h(t(l, 'login'))}</button></form>`;
  sendHtml(r.res, failure ? 401 : 200, layout(r, t(l, 'login'), body), langCookie(r));
}

/** Each unit with its last offload and chain head; an officer sees only the units assigned to them. */
export async function devicesPage(r: Request, s: Session): Promise<void> {
  const l = r.lang;
  const officerOnly = s.role === 'officer';
  const rows = await r.service.db.all(
    `SELECT d.device_id, a.officer, e.seq, e.link, e.received, (SELECT COUNT(*) FROM entries c WHERE c.device_id = d.device_id) AS entries
     FROM devices d
     LEFT JOIN assignments a ON a.device_id = d.device_id
     JOIN entries e ON e.device_id = d.device_id AND e.seq = (SELECT MAX(m.seq) FROM entries m WHERE m.device_id = d.device_id)
     WHERE $1 = 0 OR a.officer = $2
     ORDER BY d.device_id`,
    [officerOnly ? 1 : 0, s.name],
  );
  await appendAudit(r.service.db, { at: r.service.now(), actor: s.name, action: 'view', target: 'devices', detail: `${rows.length} units` });
  const body = rows.length
    ? `<table><tr><th>${h(t(l, 'device'))}</th><th>${h(t(l, 'officer'))}</th><th>${h(t(l, 'lastOffload'))}</th><th>${h(t(l, 'head'))}</th><th>${h(t(l, 'entries'))}</th></tr>
${rows.map((d) => `<tr><td>${h(String(d.device_id))}</td><td>${h(String(d.officer ?? '—'))}</td><td>${h(iso(Number(d.received)))}</td><td><code>${h(Number(d.seq))}:${h(String(d.link).slice(0, 16))}…</code></td><td>${h(Number(d.entries))}</td></tr>`).join('\n')}</table>`
    : `<p>${h(t(l, 'none'))}</p>`;
  sendHtml(r.res, 200, layout(r, t(l, 'devices'), body, s), langCookie(r));
}

export async function auditPage(r: Request, s: Session): Promise<void> {
  const l = r.lang;
  await appendAudit(r.service.db, { at: r.service.now(), actor: s.name, action: 'view', target: 'audit', detail: '' });
  const check = await verifyAudit(r.service.db);
  const rows = (await auditRows(r.service.db)).slice(-200).reverse();
  const body = `<p>${h(check.intact ? t(l, 'intact') : t(l, 'broken'))}: ${check.rows} · ${h(t(l, 'auditHead'))} <code>${h(check.head)}</code> · <a href="/audit.csv">${h(t(l, 'csv'))}</a></p>
${check.problems.map((p) => `<p role="alert">${h(p)}</p>`).join('')}
<table><tr><th>#</th>${(['at', 'actor', 'action', 'target', 'detail'] as const).map((k) => `<th>${h(t(l, k))}</th>`).join('')}</tr>
${rows.map((a) => `<tr><td>${a.n}</td><td>${h(iso(a.at))}</td><td>${h(a.actor)}</td><td data-action="${h(a.action)}">${h(actionName(l, a.action))}</td><td>${h(a.target)}</td><td>${h(a.detail)}</td></tr>`).join('\n')}</table>`;
  sendHtml(r.res, 200, layout(r, t(l, 'audit'), body, s), langCookie(r));
}

export async function auditCsvPage(r: Request, s: Session): Promise<void> {
  await appendAudit(r.service.db, { at: r.service.now(), actor: s.name, action: 'download', target: 'audit.csv', detail: '' });
  const csv = auditCsv(await auditRows(r.service.db));
  sendBytes(r.res, 200, new TextEncoder().encode(csv), 'text/csv; charset=utf-8', { 'content-disposition': 'attachment; filename="audit.csv"' });
}

/** The deadline board, a page at a time; a leader gets a form per recording to approve an extension. */
export async function deadlinesPage(r: Request, s: Session): Promise<void> {
  const l = r.lang;
  const after = decodeBoardKey(r.url.searchParams.get('after'));
  const { rows, next } = await boardPage(r.service.db, after, BOARD_PAGE, s.role === 'officer' ? s.name : undefined);
  await appendAudit(r.service.db, { at: r.service.now(), actor: s.name, action: 'view', target: 'deadlines', detail: `${rows.length} recordings` });
  const leader = s.role === 'leader';
  const cells = (b: BoardRow) => {
    const ext = b.ext_by ? `${h(b.ext_by)} ${h(iso(b.ext_at!))} → ${h(iso(b.ext_until!))}: ${h(b.ext_reason!)}` : '—';
    const form = leader
      ? `<td><form method="post" action="/deadlines/extend"><input type="hidden" name="csrf" value="${h(s.csrf)}"><input type="hidden" name="device" value="${h(b.device_id)}"><input type="hidden" name="recording" value="${b.recording}">
<input name="until" type="date" required aria-label="until"><input name="reason" required aria-label="reason"><button>${h(t(l, 'approve'))}</button></form></td>`
      : '';
    return `<tr class="${b.on_time ? 'on-time' : 'late'}"><td>${h(b.device_id)}</td><td><a href="/recordings/${h(b.device_id)}/${b.recording}">${b.recording}</a></td><td>${h(iso(b.started))}</td><td>${h(iso(b.deadline))}</td><td>${h(iso(b.received))}</td><td>${h(t(l, b.on_time ? 'onTime' : 'late'))}</td><td>${ext}</td>${form}</tr>`;
  };
  const body = `<p>${h(t(l, 'deadlineRule'))}</p>
<table><tr><th>${h(t(l, 'device'))}</th><th>#</th><th>${h(t(l, 'started'))}</th><th>${h(t(l, 'deadline'))}</th><th>${h(t(l, 'received'))}</th><th></th><th>${h(t(l, 'extension'))}</th>${leader ? '<th></th>' : ''}</tr>
${rows.map(cells).join('\n')}</table>
${next ? `<p><a href="/deadlines?after=${encodeURIComponent(encodeBoardKey(next))}">${h(t(l, 'nextPage'))}</a></p>` : ''}`;
  sendHtml(r.res, 200, layout(r, t(l, 'deadlines'), body, s), langCookie(r));
}
