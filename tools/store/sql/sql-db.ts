// The designated store's index database, as the service sees it: SQLite embedded for one
// laptop, PostgreSQL for a bureau (issue 15). The service writes one portable SQL for both:
//   - parameters are $1, $2, … (each engine's adapter binds them its own way);
//   - columns are TEXT or BIGINT only: binary as lowercase hex TEXT, times as ms since 1970;
//   - ids are made by the application (no SERIAL, no AUTOINCREMENT, no RETURNING);
//   - duplicates are skipped with INSERT … ON CONFLICT DO NOTHING.
// Every answer is a promise: PostgreSQL answers over a socket, SQLite at once.

/** What a parameter or a column value may be. BIGINT columns come back as numbers. */
export type SqlValue = string | number | null;

export type SqlRow = Record<string, SqlValue>;

/** Work counted since the database was opened: the bench's "rows read" comes from here. */
export interface SqlStats {
  statements: number;
  /** Rows returned by all() calls. */
  rowsRead: number;
}

export interface SqlDb {
  readonly engine: 'sqlite' | 'postgres';
  readonly stats: SqlStats;
  /** Rows of a query, in the order the SQL gives. */
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** A statement that returns no rows; changes = rows inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs work in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
