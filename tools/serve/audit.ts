// The audit trail (issue 15): every view, download, approval, refusal and failed login, one
// row each, append-only and hash-chained like the device journal: hash = SHA-256(prev hash
// ‖ canonical row), the first row's prev is 64 zeros. Changing or removing a row breaks the
// chain after it; cutting rows off the end shows only against a head kept elsewhere, so
// verifyAudit reports the head (count, hash) to compare with such an anchor.
import { createHash } from 'node:crypto';
import type { SqlDb } from '../store/sql/sql-db';

/** Every kind of audit row; the CSV keeps these codes, the page names them (i18n AUDIT_ACTION_NAME). */
export const AUDIT_ACTIONS = [
  'account-created', 'account-locked', 'login', 'login-failed', 'login-refused', 'assign', 'view', 'download', 'denied',
  'offload', 'offload-refused', 'receipt', 'note', 'explanation', 'copy-request', 'approve', 'refuse', 'copy-made',
  'hold-on', 'hold-off', 'retain',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  at: number;
  /** The account name, or '-' when nobody is logged in (a failed login names the attempted account in target). */
  actor: string;
  action: AuditAction;
  /** What it concerned: an account, device, recording or request. */
  target: string;
  detail: string;
}

export interface AuditRow extends AuditEvent {
  n: number;
  prev: string;
  hash: string;
}

export const AUDIT_GENESIS = '0'.repeat(64);

/** The canonical bytes a row's hash covers: a JSON array in fixed field order. */
export function canonicalAuditRow(n: number, e: AuditEvent): string {
  return JSON.stringify([n, e.at, e.actor, e.action, e.target, e.detail]);
}

export function auditHash(prev: string, n: number, e: AuditEvent): string {
  return createHash('sha256').update(Buffer.from(prev, 'hex')).update(canonicalAuditRow(n, e), 'utf8').digest('hex');
}

/** Appends one row (in its own transaction unless the caller's db is one). */
export async function appendAudit(db: SqlDb, e: AuditEvent): Promise<AuditRow> {
  const work = async (tx: SqlDb) => {
    const last = await tx.all('SELECT n, hash FROM audit ORDER BY n DESC LIMIT 1');
    const n = last.length ? Number(last[0].n) + 1 : 0;
    const prev = last.length ? String(last[0].hash) : AUDIT_GENESIS;
    const hash = auditHash(prev, n, e);
    await tx.run('INSERT INTO audit (n, at, actor, action, target, detail, prev, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [n, e.at, e.actor, e.action, e.target, e.detail, prev, hash]);
    return { n, ...e, prev, hash };
  };
  return db.transaction(work);
}

export async function auditRows(db: SqlDb, from = 0, limit = 1_000_000): Promise<AuditRow[]> {
  return (await db.all('SELECT n, at, actor, action, target, detail, prev, hash FROM audit WHERE n >= $1 ORDER BY n LIMIT $2', [from, limit])) as unknown as AuditRow[];
}

export interface AuditCheck {
  intact: boolean;
  rows: number;
  /** Hash of the last row (AUDIT_GENESIS when empty): anchor it to detect rows cut off the end. */
  head: string;
  problems: string[];
}

export async function verifyAudit(db: SqlDb): Promise<AuditCheck> {
  const rows = await auditRows(db);
  const problems: string[] = [];
  let prev = AUDIT_GENESIS;
  rows.forEach((r, i) => {
    if (r.n !== i) problems.push(`row ${i}: numbered ${r.n} (a row before it was removed)`);
    if (r.prev !== prev) problems.push(`row ${r.n}: prev does not match the hash of the row before it`);
    if (auditHash(r.prev, r.n, r) !== r.hash) problems.push(`row ${r.n}: hash does not match its content (changed)`);
    prev = r.hash;
  });
  return { intact: problems.length === 0, rows: rows.length, head: prev, problems };
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header line; times as ISO 8601 UTC next to the ms. */
export function auditCsv(rows: readonly AuditRow[]): string {
  const lines = ['n,at,at_utc,actor,action,target,detail,prev,hash'];
  for (const r of rows) lines.push([r.n, r.at, new Date(r.at).toISOString(), r.actor, r.action, r.target, r.detail, r.prev, r.hash].map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}
