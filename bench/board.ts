// The deadline board at bureau scale (issue 15): 100 units × 1,000 recordings in the
// SQLite index; the figure is rows the database returns ÷ recordings shown on a page, for
// the first page and one 1,000 pages in (paged from a key, not OFFSET), with the query plan
// checked to walk the recordings_board index (no scan of the table, no sort).
import { boardPage, BOARD_PAGE, BOARD_SQL, type BoardKey } from '../tools/serve/deadline-board';
import { recordingDeadline } from '../tools/serve/index-rows';
import { createSchema } from '../tools/serve/schema';
import { SqliteDb } from '../tools/store/sql/sqlite-db';
import type { Figure } from './figure';

const UNITS = 100;
const PER_UNIT = 1000;
const T0 = Date.parse('2026-01-05T09:00:00+08:00');

export async function deadlineBoard(): Promise<Figure[]> {
  const db = SqliteDb.open(':memory:');
  await createSchema(db);
  await db.transaction(async (tx) => {
    for (let u = 0; u < UNITS; u++) {
      const device = `QC-BENCH-${String(u).padStart(3, '0')}`;
      for (let r = 1; r <= PER_UNIT; r++) {
        const started = T0 + (r * 7 + u) * 3_600_000; // a recording every 7 h per unit, units staggered
        const deadline = recordingDeadline(started);
        const received = started + ((r * 31 + u) % 12) * 86_400_000; // 0–11 days later: some late
        await tx.run('INSERT INTO recordings (device_id, recording, first_seq, last_seq, started, deadline, received, on_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [device, r, r * 3, r * 3 + 2, started, deadline, received, received <= deadline ? 1 : 0]);
      }
    }
  });
  const plan = (await db.all(`EXPLAIN QUERY PLAN ${BOARD_SQL}`, [-1, -1, '', -1, BOARD_PAGE, ''])).map((r) => String(r.detail));
  const usesIndex = plan.some((d) => /recordings_board/.test(d));
  const scansOrSorts = plan.some((d) => /^SCAN r\b(?!.*INDEX)|TEMP B-TREE/.test(d));
  if (!usesIndex || scansOrSorts) throw new Error(`deadline board query plan does not walk the index: ${plan.join('; ')}`);

  const measure = async (after: BoardKey | undefined) => {
    const before = db.stats.rowsRead;
    const page = await boardPage(db, after, BOARD_PAGE);
    return { shown: page.rows.length, read: db.stats.rowsRead - before, next: page.next };
  };
  const first = await measure(undefined);
  let key = first.next;
  for (let i = 1; i < 1000 && key; i++) key = (await boardPage(db, key, BOARD_PAGE)).next;
  const deep = await measure(key);
  const late = Number((await db.all('SELECT COUNT(*) AS n FROM recordings WHERE on_time = 0'))[0].n);
  await db.close();
  const method = `${UNITS} units × ${PER_UNIT} recordings (${late} late) in the SQLite index, page of ${BOARD_PAGE}; db.stats.rowsRead ÷ rows on the page; plan: ${plan.join('; ')}`;
  return [
    { figure: 'deadline board rows read ÷ recordings shown (first page)', value: first.read / first.shown, unit: 'ratio', aim: '≤ 2', method, against: 'the recordings on the page' },
    { figure: 'deadline board rows read ÷ recordings shown (page 1,001)', value: deep.read / deep.shown, unit: 'ratio', aim: '≤ 2', method: 'the same, 1,000 pages in, paged from the last row\'s key (no OFFSET)', against: 'the recordings on the page' },
  ];
}
