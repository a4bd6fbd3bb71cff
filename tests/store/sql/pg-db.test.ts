// PgDb on a real PostgreSQL server (a throwaway cluster on a unix socket): the shared SqlDb
// conformance tests, and what only this adapter does.
import { PgDb } from '../../../tools/store/sql/pg-db';
import { findPostgres, startPostgres, type PgServer } from '../../support/postgres';
import { sqlDbConformance } from './sql-db-conformance';

const bin = findPostgres();
const maybe = bin ? describe : describe.skip;

maybe('PgDb on PostgreSQL', () => {
  let server: PgServer;
  const open: PgDb[] = [];
  beforeAll(async () => {
    server = await startPostgres(bin!);
  }, 60_000);
  afterAll(async () => {
    for (const db of open) await db.close().catch(() => undefined);
    await server?.stop();
  });

  sqlDbConformance('postgres', async () => PgDb.connect(await server.createDatabase()));

  test('a BIGINT past 2^53 is refused, not rounded', async () => {
    const db = await PgDb.connect(await server.createDatabase());
    open.push(db);
    await db.run('CREATE TABLE big (n BIGINT)');
    await db.run('INSERT INTO big (n) VALUES ($1)', ['9007199254740993']);
    await expect(db.all('SELECT n FROM big')).rejects.toThrow(/beyond the integers/);
  });

  test('a nested transaction that throws undoes only its own work', async () => {
    const db = await PgDb.connect(await server.createDatabase());
    open.push(db);
    await db.run('CREATE TABLE t (id TEXT PRIMARY KEY)');
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (id) VALUES ($1)', ['outer']);
      await expect(
        tx.transaction(async (inner) => {
          await inner.run('INSERT INTO t (id) VALUES ($1)', ['inner']);
          throw new Error('inner refused');
        }),
      ).rejects.toThrow('inner refused');
    });
    expect(await db.all('SELECT id FROM t')).toEqual([{ id: 'outer' }]);
  });

  test('a transaction runs on one connection: its uncommitted rows are invisible outside it', async () => {
    const db = await PgDb.connect(await server.createDatabase());
    open.push(db);
    await db.run('CREATE TABLE t (id TEXT PRIMARY KEY)');
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (id) VALUES ($1)', ['pending']);
      expect(await tx.all('SELECT id FROM t')).toEqual([{ id: 'pending' }]);
      expect(await db.all('SELECT id FROM t')).toEqual([]);
    });
    expect(await db.all('SELECT id FROM t')).toEqual([{ id: 'pending' }]);
  });

  test('a server that is not there fails at connect', async () => {
    await expect(PgDb.connect({ ...server.connection, database: 'no_such_db', connectionTimeoutMillis: 5000 })).rejects.toThrow(/no_such_db/);
  });
});
