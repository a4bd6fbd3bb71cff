// The run of a unit's held chain that belongs to one recording: from just after the previous
// recording's media to just before the next one's. Contiguous, so it verifies as a segment
// anchored on the entry before it; it holds the journal entries around the recording
// (start, interruptions, stop) and no other recording's media. Copies are made of it and
// case locks are set on it.
import type { IndexLine } from '../store/device-index';
import type { SqlDb } from '../store/sql/sql-db';

export class NoSuchRecording extends Error {}

export async function recordingRange(db: SqlDb, held: readonly IndexLine[], deviceId: string, recording: number): Promise<{ from: number; to: number }> {
  const rows = (await db.all('SELECT recording, first_seq, last_seq FROM recordings WHERE device_id = $1 ORDER BY recording', [deviceId])) as unknown as { recording: number; first_seq: number; last_seq: number }[];
  const at = rows.findIndex((r) => Number(r.recording) === recording);
  if (at < 0 || held.length === 0) throw new NoSuchRecording(`no recording ${deviceId}/${recording}`);
  const from = at > 0 ? Number(rows[at - 1].last_seq) + 1 : 0;
  const to = at + 1 < rows.length ? Number(rows[at + 1].first_seq) - 1 : held[held.length - 1].seq;
  return { from, to };
}
