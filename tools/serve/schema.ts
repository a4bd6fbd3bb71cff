// The service's index database (issue 15), in the portable SQL of sql-db.ts, the same for
// SQLite and PostgreSQL. The object store holds the evidence; this index is derived from it
// (entries, recordings: rebuildable from the objects alone) plus what only the service knows
// (accounts, sessions, the audit trail, notes, explanations, extensions, copy requests).
// Times are ms since 1970; binary is lowercase hex.
import type { SqlDb } from '../store/sql/sql-db';

export const SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY,
    first_received BIGINT NOT NULL)`,
  // One row per held entry: the object's name, its seal link, when the store accepted it.
  `CREATE TABLE IF NOT EXISTS entries (
    device_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    link TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    received BIGINT NOT NULL,
    recording BIGINT NOT NULL,
    wall_start BIGINT NOT NULL,
    PRIMARY KEY (device_id, seq))`,
  // A recording (entries sharing the header's recording number, never 0): its deadline is
  // 7 working days after the day it started (art. 14; CHINA_2026 calendar: Mon-Fri, less
  // official holidays, plus make-up working days).
  `CREATE TABLE IF NOT EXISTS recordings (
    device_id TEXT NOT NULL,
    recording BIGINT NOT NULL,
    first_seq BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    started BIGINT NOT NULL,
    deadline BIGINT NOT NULL,
    received BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    PRIMARY KEY (device_id, recording))`,
  // The deadline board reads recordings late first (on_time 0: the last entry arrived after
  // the deadline), then by deadline, a page at a time from a key (no OFFSET scan).
  `CREATE INDEX IF NOT EXISTS recordings_board ON recordings (on_time, deadline, device_id, recording)`,
  `CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password TEXT NOT NULL,
    failed BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    created BIGINT NOT NULL)`,
  // Only the SHA-256 of a session token is kept: a copy of the database logs nobody in.
  `CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS audit (
    n BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS notes (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    recording BIGINT NOT NULL,
    kind TEXT NOT NULL,
    author TEXT NOT NULL,
    at BIGINT NOT NULL,
    body TEXT NOT NULL,
    signature TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS extensions (
    device_id TEXT NOT NULL,
    recording BIGINT NOT NULL,
    approved_by TEXT NOT NULL,
    at BIGINT NOT NULL,
    until_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (device_id, recording, at))`,
  `CREATE TABLE IF NOT EXISTS copy_requests (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    recording BIGINT NOT NULL,
    asked_by TEXT NOT NULL,
    asked_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    decision_reason TEXT)`,
  // Legal holds and retentions set on a recording's objects (case-lock-page.ts): the log of who did what, when, why.
  `CREATE TABLE IF NOT EXISTS case_locks (
    device_id TEXT NOT NULL,
    recording BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    until_at BIGINT,
    objects BIGINT NOT NULL,
    reason TEXT NOT NULL)`,
  // Which officer a unit is assigned to: an officer sees only their units' evidence.
  `CREATE TABLE IF NOT EXISTS assignments (
    device_id TEXT PRIMARY KEY,
    officer TEXT NOT NULL)`,
];

export async function createSchema(db: SqlDb): Promise<void> {
  for (const statement of SCHEMA) await db.run(statement);
}
