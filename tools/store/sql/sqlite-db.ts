// SqlDb over better-sqlite3: the embedded index for one laptop (issue 15). SQLite binds
// $1, $2, … natively only as named parameters, so the portable SQL's $n are rewritten to
// ?n (numbered positional), which SQLite binds from the array in any order. BIGINT columns
// come back as JavaScript numbers: times in ms and byte counts stay below 2^53.
import Database from 'better-sqlite3';
import type { SqlDb, SqlRow, SqlStats, SqlValue } from './sql-db';

/** The portable SQL in SQLite's terms: each $n (outside '…' literals) becomes an anonymous ?,
 *  and order lists which parameter each ? takes (a $n may appear twice or out of order). */
export function toSqliteParams(sql: string): { sql: string; order: number[] } {
  let out = '';
  const order: number[] = [];
  let quoted = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") quoted = !quoted;
    if (!quoted && c === '$') {
      const digits = /^[0-9]+/.exec(sql.slice(i + 1));
      if (digits) {
        out += '?';
        order.push(Number(digits[0]) - 1);
        i += digits[0].length;
        continue;
      }
    }
    out += c;
  }
  return { sql: out, order };
}

export class SqliteDb implements SqlDb {
  readonly engine = 'sqlite' as const;
  readonly stats: SqlStats = { statements: 0, rowsRead: 0 };
  readonly #db: Database.Database;
  readonly #prepared = new Map<string, { statement: Database.Statement; order: number[] }>();
  #inTransaction = false;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Opens (or creates) the database file; ':memory:' for a private in-memory one. */
  static open(path: string): SqliteDb {
    const db = new Database(path);
    // WAL: readers (pages) do not wait for the writer (an offload); FULL: a commit survives a power cut.
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    return new SqliteDb(db);
  }

  #prepare(sql: string, params: readonly SqlValue[]): { statement: Database.Statement; values: SqlValue[] } {
    let p = this.#prepared.get(sql);
    if (!p) {
      const t = toSqliteParams(sql);
      p = { statement: this.#db.prepare(t.sql), order: t.order };
      this.#prepared.set(sql, p);
    }
    const values = p.order.map((n) => {
      if (n < 0 || n >= params.length) throw new Error(`SqlDb: $${n + 1} has no value (${params.length} given)`);
      return params[n];
    });
    return { statement: p.statement, values };
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    this.stats.statements++;
    const { statement, values } = this.#prepare(sql, params);
    let rows: SqlRow[];
    try {
      rows = statement.all(...values) as SqlRow[];
    } catch (e) {
      throw refusal(e, sql);
    }
    this.stats.rowsRead += rows.length;
    return rows;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    this.stats.statements++;
    const { statement, values } = this.#prepare(sql, params);
    if (statement.reader) throw new Error('SqlDb.run: this statement returns rows; use all()');
    try {
      return { changes: statement.run(...values).changes };
    } catch (e) {
      throw refusal(e, sql);
    }
  }

  async transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T> {
    // One connection, so one transaction at a time; the work is async, so better-sqlite3's
    // synchronous transaction() does not fit: BEGIN/COMMIT by hand, refusing nesting.
    if (this.#inTransaction) throw new Error('SqlDb.transaction: already in a transaction');
    this.#inTransaction = true;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(this);
      this.#db.exec('COMMIT');
      return result;
    } catch (e) {
      this.#db.exec('ROLLBACK');
      throw e;
    } finally {
      this.#inTransaction = false;
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/**
 * better-sqlite3's native binding keeps the error class of the first context that loaded it;
 * where that context is gone (jest runs each test file in its own), a constraint failure can
 * arrive as a bare value. Callers always get an Error that names the statement.
 */
function refusal(e: unknown, sql: string): Error {
  return e instanceof Error ? e : new Error(`SQLite refused: ${sql} (${String(e)})`);
}
