// The service's state: the object store, the index kept in step with it, and the clock.
// Embedded default: a DirectoryStore in DIR and the SQLite index DIR/index.sqlite. A bureau
// runs it on an S3 bucket with Object Lock and PostgreSQL instead (bureau.ts).
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { EvidenceStoreBackend } from '../store/backend';
import { DirectoryStore } from '../store/directory-store';
import type { SqlDb } from '../store/sql/sql-db';
import { SqliteDb } from '../store/sql/sqlite-db';
import { directorySource } from './directory-source';
import type { HeldSource } from './index-rows';
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
  /** The store's content key (FORMAT §7a): decrypts encrypted entries for a copy or a recording's page only; undefined when the store has none. */
  contentKey?: KeyObject;
  /** Closes the index database and whatever else the store holds open. */
  close(): Promise<void>;
}

export interface ServiceParts {
  /** Where the evidence objects are: it decides what is accepted. */
  backend: EvidenceStoreBackend;
  /** The same store, read back for the index. */
  source: HeldSource;
  db: SqlDb;
  /** A local directory of the service's own: its secret and the copies made. */
  dataDir: string;
  now: () => number;
  /** Releases the object store's connections, if it holds any. */
  release?: () => void;
  contentKey?: KeyObject;
}

/** A service over any object store and index database; the index catches up with the objects first. */
export async function openService(p: ServiceParts): Promise<Service> {
  await createSchema(p.db);
  const store = new IndexedStore(p.backend, p.source, p.db);
  await store.catchUp();
  return {
    store,
    db: p.db,
    now: p.now,
    secret: serviceSecret(p.dataDir),
    copies: join(p.dataDir, COPIES_DIR),
    ...(p.contentKey ? { contentKey: p.contentKey } : {}),
    close: async () => {
      p.release?.();
      await p.db.close();
    },
  };
}

/** Opens the embedded service over a store directory (made by `quancheng store init`). */
export async function openEmbedded(dir: string, now: () => number = Date.now): Promise<Service> {
  const objects = DirectoryStore.open(dir, { now });
  const contentKey = objects.contentKey();
  return openService({ backend: objects, source: directorySource(objects), db: SqliteDb.open(join(dir, INDEX_FILE)), dataDir: dir, now, ...(contentKey ? { contentKey } : {}) });
}
