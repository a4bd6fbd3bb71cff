// The deadline board (art. 14): every recording with its 7-working-day deadline, late ones
// first, then by deadline; read a page at a time from the last row's key over the
// recordings_board index, so a page costs its own rows, not a scan of the store.
import type { SqlDb } from '../store/sql/sql-db';

export const BOARD_PAGE = 50;

export interface BoardRow {
  device_id: string;
  recording: number;
  started: number;
  deadline: number;
  received: number;
  on_time: number;
  /** The latest approved extension, if any: who, when, until, why. */
  ext_by: string | null;
  ext_at: number | null;
  ext_until: number | null;
  ext_reason: string | null;
}

/** Where a page starts: after this row's (on_time, deadline, device_id, recording). */
export interface BoardKey {
  on_time: number;
  deadline: number;
  device_id: string;
  recording: number;
}

export function encodeBoardKey(k: BoardKey): string {
  return `${k.on_time}.${k.deadline}.${k.recording}.${k.device_id}`;
}

export function decodeBoardKey(s: string | null): BoardKey | undefined {
  const m = s ? /^([01])\.(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{1,16})$/.exec(s) : null;
  return m ? { on_time: Number(m[1]), deadline: Number(m[2]), recording: Number(m[3]), device_id: m[4] } : undefined;
}

/** $1..$4: the key after which the page starts; $5: its length; $6: an officer's name, or '' for all units. */
export const BOARD_SQL = `SELECT r.device_id, r.recording, r.started, r.deadline, r.received, r.on_time,
       x.approved_by AS ext_by, x.at AS ext_at, x.until_at AS ext_until, x.reason AS ext_reason
     FROM recordings r
     LEFT JOIN extensions x ON x.device_id = r.device_id AND x.recording = r.recording
       AND x.at = (SELECT MAX(y.at) FROM extensions y WHERE y.device_id = r.device_id AND y.recording = r.recording)
     WHERE (r.on_time, r.deadline, r.device_id, r.recording) > ($1, $2, $3, $4)
       AND ($6 = '' OR r.device_id IN (SELECT a.device_id FROM assignments a WHERE a.officer = $6))
     ORDER BY r.on_time, r.deadline, r.device_id, r.recording
     LIMIT $5`;

/** One page of the board; officer: only the units assigned to that officer. */
export async function boardPage(db: SqlDb, after: BoardKey | undefined, limit = BOARD_PAGE, officer?: string): Promise<{ rows: BoardRow[]; next: BoardKey | undefined }> {
  const k = after ?? { on_time: -1, deadline: -1, device_id: '', recording: -1 };
  const rows = (await db.all(
    BOARD_SQL,
    [k.on_time, k.deadline, k.device_id, k.recording, limit, officer ?? ''],
  )) as unknown as BoardRow[];
  const last = rows[rows.length - 1];
  return { rows, next: rows.length === limit && last ? { on_time: last.on_time, deadline: last.deadline, device_id: last.device_id, recording: last.recording } : undefined };
}

/** A leader's approved extension of one recording's deadline (art. 14): who, when, until, why. */
export async function approveExtension(db: SqlDb, e: { device_id: string; recording: number; approved_by: string; at: number; until_at: number; reason: string }): Promise<boolean> {
  const known = await db.all('SELECT deadline FROM recordings WHERE device_id = $1 AND recording = $2', [e.device_id, e.recording]);
  if (known.length === 0) return false;
  await db.run('INSERT INTO extensions (device_id, recording, approved_by, at, until_at, reason) VALUES ($1, $2, $3, $4, $5, $6)', [e.device_id, e.recording, e.approved_by, e.at, e.until_at, e.reason]);
  return true;
}
