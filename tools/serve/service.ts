// The service's state: the object store, the index kept in step with it, and the clock.
// Embedded default: a DirectoryStore in DIR and the SQLite index DIR/index.sqlite.
import { join } from 'node:path';
import { DirectoryStore } from '../store/directory-store';
import type { SqlDb } from '../store/sql/sql-db';
import { SqliteDb } from '../store/sql/sqlite-db';
import { directorySource } from './directory-source';
import { IndexedStore } from './indexed-store';
import { serviceSecret } from './notes';
import { createSchema } from './schema';

export const INDEX_FILE = 'index.sqlite';
export const COPIES_DIR = 'copies';

export interface Service {
  store: IndexedStore;
  db: SqlDb;
  now: () => number;
  /** HMAC secret the written notes are signed under (notes.ts). */
  secret: Uint8Array;
  /** Where approved evidence copies are written (copies.ts). */
  copies: string;
}

/** Opens the embedded service over a store directory (made by `quancheng store init`). */
export async function openEmbedded(dir: string, now: () => number = Date.now): Promise<Service> {
  const objects = DirectoryStore.open(dir, { now });
  const db = SqliteDb.open(join(dir, INDEX_FILE));
  await createSchema(db);
  const store = new IndexedStore(objects, directorySource(objects), db);
  await store.catchUp();
  return { store, db, now, secret: serviceSecret(dir), copies: join(dir, COPIES_DIR) };
}
