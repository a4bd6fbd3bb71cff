import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDb, toSqliteParams } from '../../../tools/store/sql/sqlite-db';
import { sqlDbConformance } from './sql-db-conformance';

sqlDbConformance('sqlite', async () => SqliteDb.open(':memory:'));

describe('SqliteDb', () => {
  it('rewrites $n outside string literals only', () => {
    expect(toSqliteParams("SELECT $2, '$2', 'it''s $3', $10, $2")).toEqual({ sql: "SELECT ?, '$2', 'it''s $3', ?, ?", order: [1, 9, 1] });
  });

  it('keeps what it wrote in a file across close and open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qc-sqlite-'));
    try {
      const path = join(dir, 'index.sqlite');
      const a = SqliteDb.open(path);
      await a.run('CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT NOT NULL)');
      await a.run('INSERT INTO t (id, n) VALUES ($1, $2)', ['k', 2 ** 40]);
      await a.close();
      const b = SqliteDb.open(path);
      expect(await b.all('SELECT id, n FROM t')).toEqual([{ id: 'k', n: 2 ** 40 }]);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a statement whose $n has no value', async () => {
    const db = SqliteDb.open(':memory:');
    await expect(db.all('SELECT $1, $2', [1])).rejects.toThrow('$2 has no value');
    await db.close();
  });

  it('refuses run() for a statement that returns rows', async () => {
    const db = SqliteDb.open(':memory:');
    await expect(db.run('SELECT 1')).rejects.toThrow('use all()');
    await db.close();
  });
});
