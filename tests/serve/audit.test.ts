import { appendAudit, auditCsv, auditRows, verifyAudit, AUDIT_GENESIS } from '../../tools/serve/audit';
import { createSchema } from '../../tools/serve/schema';
import { SqliteDb } from '../../tools/store/sql/sqlite-db';

async function trail() {
  const db = SqliteDb.open(':memory:');
  await createSchema(db);
  await appendAudit(db, { at: 1000, actor: 'li', action: 'login', target: 'li', detail: '' });
  await appendAudit(db, { at: 2000, actor: '-', action: 'login-failed', target: 'wang', detail: 'wrong password, 1 of 5' });
  await appendAudit(db, { at: 3000, actor: 'li', action: 'view', target: 'QC-1/2', detail: 'timeline, "quoted", comma' });
  return db;
}

describe('the audit trail', () => {
  test('rows chain from the genesis and verify', async () => {
    const db = await trail();
    const rows = await auditRows(db);
    expect(rows.map((r) => r.n)).toEqual([0, 1, 2]);
    expect(rows[0].prev).toBe(AUDIT_GENESIS);
    expect(rows[1].prev).toBe(rows[0].hash);
    expect(await verifyAudit(db)).toEqual({ intact: true, rows: 3, head: rows[2].hash, problems: [] });
  });

  test('a changed row is found', async () => {
    const db = await trail();
    await db.run("UPDATE audit SET detail = 'nothing to see' WHERE n = 1");
    const check = await verifyAudit(db);
    expect(check.intact).toBe(false);
    expect(check.problems).toEqual(['row 1: hash does not match its content (changed)']);
  });

  test('a removed row is found', async () => {
    const db = await trail();
    await db.run('DELETE FROM audit WHERE n = 1');
    const check = await verifyAudit(db);
    expect(check.intact).toBe(false);
    expect(check.problems).toContain('row 1: numbered 2 (a row before it was removed)');
    expect(check.problems).toContain('row 2: prev does not match the hash of the row before it');
  });

  test('a row cut off the end changes the head', async () => {
    const db = await trail();
    const { head } = await verifyAudit(db);
    await db.run('DELETE FROM audit WHERE n = 2');
    expect((await verifyAudit(db)).head).not.toBe(head);
  });

  test('CSV quotes fields with commas and quotes', async () => {
    const db = await trail();
    const csv = auditCsv(await auditRows(db));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('n,at,at_utc,actor,action,target,detail,prev,hash');
    expect(lines[3]).toContain(',view,QC-1/2,"timeline, ""quoted"", comma",');
    expect(lines.length).toBe(5);
  });
});
