// The behaviour every SqlDb must share, run against each engine (SQLite here, PostgreSQL
// where it is installed): the service's SQL is written once for both.
import type { SqlDb } from '../../../tools/store/sql/sql-db';

/** Registers the conformance tests; open() gives a fresh, empty database for each test. */
export function sqlDbConformance(engine: string, open: () => Promise<SqlDb>): void {
  describe(`SqlDb conformance: ${engine}`, () => {
    let db: SqlDb;
    beforeEach(async () => {
      db = await open();
      await db.run('CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT)');
    });
    afterEach(async () => {
      await db.close();
    });

    it('binds $n parameters in any order and round-trips TEXT, BIGINT and NULL', async () => {
      const ms = 1_796_000_000_123; // beyond 32 bits: a time in ms
      await db.run('INSERT INTO t (note, n, id) VALUES ($3, $2, $1)', ['a', ms, null]);
      await db.run('INSERT INTO t (id, n, note) VALUES ($1, $2, $3)', ['b', 7, 'dead00beef']);
      const rows = await db.all('SELECT id, n, note FROM t WHERE n >= $1 ORDER BY id', [0]);
      expect(rows).toEqual([
        { id: 'a', n: ms, note: null },
        { id: 'b', n: 7, note: 'dead00beef' },
      ]);
      expect(typeof rows[0].n).toBe('number');
    });

    it('skips duplicates with ON CONFLICT DO NOTHING and counts changes', async () => {
      expect(await db.run('INSERT INTO t (id, n) VALUES ($1, $2) ON CONFLICT DO NOTHING', ['x', 1])).toEqual({ changes: 1 });
      expect(await db.run('INSERT INTO t (id, n) VALUES ($1, $2) ON CONFLICT DO NOTHING', ['x', 2])).toEqual({ changes: 0 });
      expect(await db.all('SELECT n FROM t')).toEqual([{ n: 1 }]);
      await expect(db.run('INSERT INTO t (id, n) VALUES ($1, $2)', ['x', 3])).rejects.toBeInstanceOf(Error);
      expect(await db.all('SELECT n FROM t')).toEqual([{ n: 1 }]);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (id, n) VALUES ($1, $2)', ['kept', 1]);
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO t (id, n) VALUES ($1, $2)', ['lost', 2]);
          throw new Error('refused halfway');
        }),
      ).rejects.toThrow('refused halfway');
      expect(await db.all('SELECT id FROM t ORDER BY id')).toEqual([{ id: 'kept' }]);
    });

    it('counts statements and rows read', async () => {
      const before = { ...db.stats };
      await db.run('INSERT INTO t (id, n) VALUES ($1, $2), ($3, $4)', ['p', 1, 'q', 2]);
      await db.all('SELECT id FROM t WHERE n > $1', [0]);
      expect(db.stats.statements - before.statements).toBe(2);
      expect(db.stats.rowsRead - before.rowsRead).toBe(2);
    });
  });
}
