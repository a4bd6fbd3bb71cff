// The derived part of the index (entries, recordings) as rows computed from held entries
// alone: the service writes them as the object store accepts, and rebuildIndex computes
// them again from the objects, so a test can compare the two (worm runs it on S3).
import { parseEntry } from '../../firmware/core/evidence';
import { CHINA_2026, WorkingDays } from '../../firmware/core/policy/calendar';
import { OFFLOAD_WORKING_DAYS } from '../../firmware/core/policy/deadline';
import type { Awaitable } from '../store/backend';
import type { IndexLine } from '../store/device-index';
import type { SqlDb } from '../store/sql/sql-db';

export interface EntryRow {
  device_id: string;
  seq: number;
  sha256: string;
  link: string;
  bytes: number;
  received: number;
  recording: number;
  wall_start: number;
}

export interface RecordingRow {
  device_id: string;
  recording: number;
  first_seq: number;
  last_seq: number;
  started: number;
  deadline: number;
  received: number;
  /** 1 when every entry arrived by the deadline, 0 when the last arrived after it. */
  on_time: number;
}

export interface IndexRows {
  entries: EntryRow[];
  recordings: RecordingRow[];
}

/** What the rebuild reads: the held chains and their objects, nothing of the database. */
export interface HeldSource {
  devices(): Awaitable<string[]>;
  held(deviceId: string): Awaitable<IndexLine[]>;
  object(sha256: string): Awaitable<Uint8Array>;
}

const workingDays = new WorkingDays(CHINA_2026);

/** The deadline of a recording that started at `started` (art. 14). */
export function recordingDeadline(started: number): number {
  return workingDays.deadline(started, OFFLOAD_WORKING_DAYS).at;
}

export function entryRow(deviceId: string, line: IndexLine, bytes: Uint8Array): EntryRow {
  const { header } = parseEntry(bytes);
  return { device_id: deviceId, seq: line.seq, sha256: line.sha256, link: line.link, bytes: line.bytes, received: line.received, recording: header.recording, wall_start: header.wallStart };
}

/** Folds entry rows (in seq order) into recording rows: first entry's start, last entry's receipt. */
export function recordingRows(entries: readonly EntryRow[]): RecordingRow[] {
  const byKey = new Map<string, RecordingRow>();
  for (const e of entries) {
    if (e.recording === 0) continue;
    const key = `${e.device_id}/${e.recording}`;
    const r = byKey.get(key);
    if (!r) byKey.set(key, { device_id: e.device_id, recording: e.recording, first_seq: e.seq, last_seq: e.seq, started: e.wall_start, deadline: recordingDeadline(e.wall_start), received: e.received, on_time: 1 });
    else {
      r.last_seq = e.seq;
      r.received = Math.max(r.received, e.received);
    }
  }
  const rows = [...byKey.values()];
  for (const r of rows) r.on_time = r.received <= r.deadline ? 1 : 0;
  return rows;
}

/** The derived index computed from the held chains and objects alone, sorted. */
export async function rebuildIndex(source: HeldSource): Promise<IndexRows> {
  const entries: EntryRow[] = [];
  for (const deviceId of [...(await source.devices())].sort()) {
    for (const line of await source.held(deviceId)) entries.push(entryRow(deviceId, line, await source.object(line.sha256)));
  }
  return sortRows({ entries, recordings: recordingRows(entries) });
}

/** The derived index as the database holds it, sorted the same way. */
export async function readIndexRows(db: SqlDb): Promise<IndexRows> {
  const entries = (await db.all('SELECT device_id, seq, sha256, link, bytes, received, recording, wall_start FROM entries')) as unknown as EntryRow[];
  const recordings = (await db.all('SELECT device_id, recording, first_seq, last_seq, started, deadline, received, on_time FROM recordings')) as unknown as RecordingRow[];
  return sortRows({ entries, recordings });
}

function sortRows(rows: IndexRows): IndexRows {
  const cmp = (a: { device_id: string }, b: { device_id: string }, x: number, y: number) => (a.device_id < b.device_id ? -1 : a.device_id > b.device_id ? 1 : x - y);
  return {
    entries: [...rows.entries].sort((a, b) => cmp(a, b, a.seq, b.seq)),
    recordings: [...rows.recordings].sort((a, b) => cmp(a, b, a.recording, b.recording)),
  };
}

/** Writes newly held entries' rows (in seq order, continuing what the index holds). */
export async function writeIndexRows(db: SqlDb, rows: readonly EntryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    await tx.run('INSERT INTO devices (device_id, first_received) VALUES ($1, $2) ON CONFLICT DO NOTHING', [rows[0].device_id, rows[0].received]);
    for (const e of rows) {
      await tx.run('INSERT INTO entries (device_id, seq, sha256, link, bytes, received, recording, wall_start) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING', [e.device_id, e.seq, e.sha256, e.link, e.bytes, e.received, e.recording, e.wall_start]);
    }
    for (const r of recordingRows(rows)) {
      const inserted = await tx.run('INSERT INTO recordings (device_id, recording, first_seq, last_seq, started, deadline, received, on_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING', [r.device_id, r.recording, r.first_seq, r.last_seq, r.started, r.deadline, r.received, r.on_time]);
      // A recording whose first entries came in an earlier offload: extend it.
      if (inserted.changes === 0) await tx.run('UPDATE recordings SET last_seq = $3, received = $4, on_time = CASE WHEN $4 <= deadline THEN 1 ELSE 0 END WHERE device_id = $1 AND recording = $2 AND last_seq < $3', [r.device_id, r.recording, r.last_seq, r.received]);
    }
  });
}
