// The index database behind the designated store and its service: SQLite (embedded
// default, better-sqlite3 12.x) or PostgreSQL (bureau scale, pg). SQL written for it is
// portable to both: placeholders $1, $2 …; types TEXT, BIGINT, BOOLEAN stored as BIGINT 0/1;
// binary as lowercase hex TEXT; ids made by the application (no AUTOINCREMENT/SERIAL);
// INSERT … ON CONFLICT … DO NOTHING; no engine-only functions.

export type SqlValue = string | number | bigint | null;

export interface SqlDb {
  /** Which engine: some DDL differs (the implementations handle it). */
  readonly engine: 'sqlite' | 'postgres';
  /** The rows of a query; BIGINT columns come back as JavaScript numbers (safe integers). */
  all<T extends Record<string, SqlValue>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** A statement without rows; changes = rows inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** fn's statements all or nothing (serializable on PostgreSQL). */
  transaction<T>(fn: (db: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
