// The index database on PostgreSQL (a bureau's store), over the `pg` client's pool.
// PostgreSQL takes $1, $2, … natively, so the portable SQL goes through unchanged. BIGINT
// (int8) comes back from pg as a string (it may exceed 2^53); every BIGINT we store is a
// count or a time in ms, so this adapter parses it as a number and refuses one that would
// lose precision. The parser is this pool's own (pg's `types` option), not pg's global one.
import { Pool, types as pgTypes, type PoolClient, type PoolConfig } from 'pg';
import type { SqlDb, SqlRow, SqlStats, SqlValue } from './sql-db';

const INT8_OID = 20;

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT ${text} is beyond the integers a number holds exactly`);
  return n;
}

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return format === 'binary' ? pgTypes.getTypeParser(oid, 'binary') : pgTypes.getTypeParser(oid, 'text');
  },
};

/** Where statements go: the pool (each on any free connection) or one client (a transaction). */
interface Runner {
  query(sql: string, params: SqlValue[]): Promise<{ rows: SqlRow[]; rowCount: number | null }>;
}

export class PgDb implements SqlDb {
  readonly engine = 'postgres' as const;
  readonly stats: SqlStats;
  readonly #pool: Pool | undefined;
  readonly #runner: Runner;
  /** Savepoint depth inside a transaction; 0 on the pool. */
  readonly #depth: number;
  /** The transaction's client; undefined on the pool. */
  readonly #client: PoolClient | undefined;

  private constructor(pool: Pool | undefined, runner: Runner, stats: SqlStats, depth: number, client?: PoolClient) {
    this.#pool = pool;
    this.#runner = runner;
    this.stats = stats;
    this.#depth = depth;
    this.#client = client;
  }

  /** Opens a pool and checks the server answers (a wrong host or database fails here, not later). */
  static async connect(config: PoolConfig): Promise<PgDb> {
    const pool = new Pool({ ...config, types: typeParsers });
    // An idle client's socket error must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return new PgDb(pool, pool as unknown as Runner, { statements: 0, rowsRead: 0 }, 0);
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    const r = await this.#runner.query(sql, params.slice());
    this.stats.statements++;
    this.stats.rowsRead += r.rows.length;
    return r.rows;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    const r = await this.#runner.query(sql, params.slice());
    this.stats.statements++;
    return { changes: r.rowCount ?? 0 };
  }

  async transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T> {
    if (this.#client) {
      // Nested: a savepoint on the same client, so an inner failure undoes only the inner work.
      const name = `qc_sp_${this.#depth}`;
      await this.#client.query(`SAVEPOINT ${name}`);
      try {
        const out = await work(new PgDb(undefined, this.#client as unknown as Runner, this.stats, this.#depth + 1, this.#client));
        await this.#client.query(`RELEASE SAVEPOINT ${name}`);
        return out;
      } catch (e) {
        await this.#client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw e;
      }
    }
    // One client for the whole transaction: BEGIN, the work and COMMIT must share a connection.
    const client = await this.#pool!.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const out = await work(new PgDb(undefined, client as unknown as Runner, this.stats, 1, client));
      await client.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed: do not hand it back to the pool
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (!this.#pool) throw new Error('close() inside a transaction: close the database it came from');
    await this.#pool.end();
  }
}
