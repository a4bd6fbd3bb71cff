// The service's store: an object store (EvidenceStoreBackend) and the index database kept
// in step with it. The object store decides (continuity, signatures) and is written first;
// the index follows what it accepted, so a crash in between leaves an index behind the
// objects, never ahead: catchUp() (run at start) fills the gap from the held chains.
import { batchOf, type AcceptResult, type EvidenceStoreBackend, type OffloadEntry, type StoreIdentity, type StorePosition } from '../store/backend';
import type { SqlDb } from '../store/sql/sql-db';
import { entryRow, writeIndexRows, type HeldSource } from './index-rows';

export class IndexedStore implements EvidenceStoreBackend {
  constructor(
    readonly backend: EvidenceStoreBackend,
    readonly source: HeldSource,
    readonly db: SqlDb,
  ) {}

  identity(): StoreIdentity {
    return this.backend.identity();
  }

  position(deviceId: string): Promise<StorePosition | undefined> {
    return Promise.resolve(this.backend.position(deviceId));
  }

  accept(deviceId: string, entries: readonly OffloadEntry[]): Promise<AcceptResult> {
    return this.acceptStream(deviceId, batchOf(entries));
  }

  /** The batch as it arrives, into the object store (streamed when it can take a stream), then the index. */
  async acceptStream(deviceId: string, entries: AsyncIterable<OffloadEntry>): Promise<AcceptResult> {
    // The batch's own bytes by seq (the backend just hashed and kept exactly these), so the
    // index does not read back what was just written.
    const sent = new Map<number, Uint8Array>();
    const kept = async function* () {
      for await (const e of entries) {
        sent.set(e.seq, e.bytes);
        yield e;
      }
    };
    let result: AcceptResult;
    if (this.backend.acceptStream) result = await this.backend.acceptStream(deviceId, kept());
    else {
      const all: OffloadEntry[] = [];
      for await (const e of kept()) all.push(e);
      result = await this.backend.accept(deviceId, all);
    }
    if (result.added > 0) await this.#indexFrom(deviceId, result.position.throughSeq - result.added + 1, sent);
    return result;
  }

  receipt(deviceId: string, time: number): Promise<Uint8Array> {
    return Promise.resolve(this.backend.receipt(deviceId, time));
  }

  /** Indexes every held entry the database does not have yet (after a crash between the two writes). */
  async catchUp(): Promise<number> {
    let added = 0;
    for (const deviceId of await this.source.devices()) {
      const rows = await this.db.all('SELECT MAX(seq) AS last FROM entries WHERE device_id = $1', [deviceId]);
      const last = rows[0]?.last;
      added += await this.#indexFrom(deviceId, last === null || last === undefined ? 0 : Number(last) + 1);
    }
    return added;
  }

  async #indexFrom(deviceId: string, fromSeq: number, sent = new Map<number, Uint8Array>()): Promise<number> {
    const lines = (await this.source.held(deviceId)).filter((l) => l.seq >= fromSeq);
    const rows = [];
    for (const line of lines) rows.push(entryRow(deviceId, line, (sent.get(line.seq)?.length === line.bytes ? sent.get(line.seq)! : await this.source.object(line.sha256))));
    await writeIndexRows(this.db, rows);
    return rows.length;
  }
}
