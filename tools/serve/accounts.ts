// Accounts, logins and sessions. Five wrong passwords in a row lock an account for
// LOCK_MS; every failure and every lock is audited. A session is a random token the browser
// holds in an HttpOnly, SameSite=Strict cookie (or a client sends as a Bearer token); the
// database keeps only its SHA-256, with the session's CSRF token and its expiry.
import { createHash, randomBytes } from 'node:crypto';
import type { SqlDb } from '../store/sql/sql-db';
import { appendAudit } from './audit';
import { checkPassword, hashPassword } from './passwords';
import { isRole, type Role } from './roles';

export const MAX_FAILED = 5;
export const LOCK_MS = 15 * 60_000;
export const SESSION_MS = 8 * 60 * 60_000;

export interface Account {
  name: string;
  role: Role;
}

export interface Session extends Account {
  csrf: string;
  expires: number;
}

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

export class AccountError extends Error {}

export async function addAccount(db: SqlDb, name: string, role: string, password: string, now: number): Promise<Account> {
  if (!NAME.test(name)) throw new AccountError(`account name must be 1-64 of A-Z a-z 0-9 _ . @ -: ${JSON.stringify(name)}`);
  if (!isRole(role)) throw new AccountError(`unknown role ${JSON.stringify(role)} (officer, data-manager, inspector, leader, technician)`);
  if (password.length < 10) throw new AccountError('password must be at least 10 characters');
  const { changes } = await db.run('INSERT INTO accounts (name, role, password, failed, locked_until, created) VALUES ($1, $2, $3, 0, 0, $4) ON CONFLICT DO NOTHING', [name, role, hashPassword(password), now]);
  if (changes === 0) throw new AccountError(`account ${name} already exists`);
  await appendAudit(db, { at: now, actor: '-', action: 'account-created', target: name, detail: role });
  return { name, role };
}

export type LoginResult = { ok: true; token: string; session: Session } | { ok: false; reason: 'wrong' | 'locked' };

const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export async function login(db: SqlDb, name: string, password: string, now: number): Promise<LoginResult> {
  const rows = await db.all('SELECT name, role, password, failed, locked_until FROM accounts WHERE name = $1', [name]);
  const a = rows[0];
  if (!a) {
    // An unknown name costs the same scrypt as a known one: no telling which names exist by timing.
    checkPassword(password, FAKE_HASH);
    await appendAudit(db, { at: now, actor: '-', action: 'login-failed', target: name, detail: 'no such account' });
    return { ok: false, reason: 'wrong' };
  }
  if (Number(a.locked_until) > now) {
    await appendAudit(db, { at: now, actor: '-', action: 'login-refused', target: name, detail: `locked until ${new Date(Number(a.locked_until)).toISOString()}` });
    return { ok: false, reason: 'locked' };
  }
  if (!checkPassword(password, String(a.password))) {
    const failed = Number(a.failed) + 1;
    const locked = failed >= MAX_FAILED;
    await db.run('UPDATE accounts SET failed = $2, locked_until = $3 WHERE name = $1', [name, locked ? 0 : failed, locked ? now + LOCK_MS : 0]);
    await appendAudit(db, { at: now, actor: '-', action: 'login-failed', target: name, detail: `wrong password, ${failed} of ${MAX_FAILED}` });
    if (locked) await appendAudit(db, { at: now, actor: '-', action: 'account-locked', target: name, detail: `${MAX_FAILED} wrong passwords; locked for ${LOCK_MS / 60_000} min` });
    return { ok: false, reason: locked ? 'locked' : 'wrong' };
  }
  await db.run('UPDATE accounts SET failed = 0, locked_until = 0 WHERE name = $1', [name]);
  const token = randomBytes(32).toString('base64url');
  const session: Session = { name, role: String(a.role) as Role, csrf: randomBytes(16).toString('hex'), expires: now + SESSION_MS };
  await db.run('INSERT INTO sessions (token_sha256, name, csrf, expires) VALUES ($1, $2, $3, $4)', [tokenHash(token), name, session.csrf, session.expires]);
  await appendAudit(db, { at: now, actor: name, action: 'login', target: name, detail: session.role });
  return { ok: true, token, session };
}

/** The live session a token names, or undefined (unknown, expired). */
export async function sessionOf(db: SqlDb, token: string | undefined, now: number): Promise<Session | undefined> {
  if (!token) return undefined;
  const rows = await db.all('SELECT s.name, s.csrf, s.expires, a.role FROM sessions s JOIN accounts a ON a.name = s.name WHERE s.token_sha256 = $1 AND s.expires > $2', [tokenHash(token), now]);
  const r = rows[0];
  return r ? { name: String(r.name), role: String(r.role) as Role, csrf: String(r.csrf), expires: Number(r.expires) } : undefined;
}

export async function logout(db: SqlDb, token: string, now: number): Promise<void> {
  await db.run('UPDATE sessions SET expires = $2 WHERE token_sha256 = $1', [tokenHash(token), now]);
}

const FAKE_HASH = hashPassword('no account has this password', { N: 1 << 15, r: 8, p: 1 });

/** Assigns a unit to an officer's account (the officer then sees that unit's evidence); audited. */
export async function assignUnit(db: SqlDb, deviceId: string, officer: string, now: number): Promise<void> {
  const rows = await db.all('SELECT role FROM accounts WHERE name = $1', [officer]);
  if (rows[0]?.role !== 'officer') throw new AccountError(`${officer} is not an officer's account`);
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(deviceId)) throw new AccountError(`not a device id: ${JSON.stringify(deviceId)}`);
  await db.transaction(async (tx) => {
    await tx.run('DELETE FROM assignments WHERE device_id = $1', [deviceId]);
    await tx.run('INSERT INTO assignments (device_id, officer) VALUES ($1, $2)', [deviceId, officer]);
  });
  await appendAudit(db, { at: now, actor: '-', action: 'assign', target: deviceId, detail: officer });
}
