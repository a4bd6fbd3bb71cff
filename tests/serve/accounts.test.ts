import { addAccount, AccountError, LOCK_MS, login, logout, MAX_FAILED, sessionOf } from '../../tools/serve/accounts';
import { auditRows, verifyAudit } from '../../tools/serve/audit';
import { checkPassword, hashPassword } from '../../tools/serve/passwords';
import { createSchema } from '../../tools/serve/schema';
import { SqliteDb } from '../../tools/store/sql/sqlite-db';

const T = Date.UTC(2026, 11, 1, 1, 0, 0);
const PW = 'correct horse battery';

async function db() {
  const d = SqliteDb.open(':memory:');
  await createSchema(d);
  await addAccount(d, 'zhang', 'leader', PW, T);
  return d;
}

describe('passwords', () => {
  test('scrypt with its parameters and salt recorded; a wrong password fails', () => {
    const h = hashPassword(PW);
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(hashPassword(PW)).not.toBe(h); // fresh salt
    expect(checkPassword(PW, h)).toBe(true);
    expect(checkPassword(PW + '!', h)).toBe(false);
    expect(checkPassword(PW, 'plain')).toBe(false);
  });
});

describe('accounts and sessions', () => {
  test('log in, the session carries the role, log out ends it', async () => {
    const d = await db();
    const r = await login(d, 'zhang', PW, T);
    if (!r.ok) throw new Error('login failed');
    expect(await sessionOf(d, r.token, T + 1)).toMatchObject({ name: 'zhang', role: 'leader' });
    expect(await sessionOf(d, 'forged', T + 1)).toBeUndefined();
    await logout(d, r.token, T + 2);
    expect(await sessionOf(d, r.token, T + 3)).toBeUndefined();
  });

  test('a session expires', async () => {
    const d = await db();
    const r = await login(d, 'zhang', PW, T);
    if (!r.ok) throw new Error('login failed');
    expect(await sessionOf(d, r.token, r.session.expires)).toBeUndefined();
  });

  test(`${MAX_FAILED} wrong passwords lock the account, audited; the right one is refused until the lock ends`, async () => {
    const d = await db();
    for (let i = 0; i < MAX_FAILED - 1; i++) expect(await login(d, 'zhang', 'wrong', T + i)).toEqual({ ok: false, reason: 'wrong' });
    expect(await login(d, 'zhang', 'wrong', T + 10)).toEqual({ ok: false, reason: 'locked' });
    expect(await login(d, 'zhang', PW, T + 20)).toEqual({ ok: false, reason: 'locked' });
    expect((await login(d, 'zhang', PW, T + 10 + LOCK_MS)).ok).toBe(true);
    const actions = (await auditRows(d)).map((r) => r.action);
    expect(actions.filter((a) => a === 'login-failed').length).toBe(MAX_FAILED);
    expect(actions).toContain('account-locked');
    expect(actions).toContain('login-refused');
    expect(actions[actions.length - 1]).toBe('login');
    expect((await verifyAudit(d)).intact).toBe(true);
  }, 20_000);

  test('bad names, roles, short passwords and duplicates are refused', async () => {
    const d = await db();
    await expect(addAccount(d, 'a b', 'officer', PW, T)).rejects.toBeInstanceOf(AccountError);
    await expect(addAccount(d, 'li', 'admin', PW, T)).rejects.toThrow('unknown role');
    await expect(addAccount(d, 'li', 'officer', 'short', T)).rejects.toThrow('at least 10');
    await expect(addAccount(d, 'zhang', 'officer', PW, T)).rejects.toThrow('already exists');
  });

  test('an unknown account fails like a wrong password and is audited', async () => {
    const d = await db();
    expect(await login(d, 'nobody', PW, T)).toEqual({ ok: false, reason: 'wrong' });
    expect((await auditRows(d)).pop()).toMatchObject({ action: 'login-failed', target: 'nobody' });
  });
});
