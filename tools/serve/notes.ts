// The officer's written supplementary notes (art. 12) and written explanations of
// interruptions never resumed (art. 13): append-only rows, each signed with HMAC-SHA256
// under a key of the writing account's own — derived from the service's secret
// (DIR/service-secret, mode 0600) and the account name — over the canonical row. A row
// altered in the database, or put under another account's name, no longer verifies.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlDb } from '../store/sql/sql-db';

export const SECRET_FILE = 'service-secret';

export type NoteKind = 'note' | 'explanation';

export interface Note {
  id: string;
  device_id: string;
  recording: number;
  kind: NoteKind;
  author: string;
  at: number;
  body: string;
  signature: string;
}

/** The service's HMAC secret, made once (32 random bytes, owner-only). */
export function serviceSecret(dir: string): Uint8Array {
  const path = join(dir, SECRET_FILE);
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  if (statSync(path).mode & 0o077) throw new Error(`${path}: readable by others; chmod 600 it`);
  return new Uint8Array(Buffer.from(readFileSync(path, 'utf8').trim(), 'hex'));
}

function accountKey(secret: Uint8Array, account: string): Buffer {
  return createHmac('sha256', secret).update(`quancheng note key\u0000${account}`, 'utf8').digest();
}

function sign(secret: Uint8Array, n: Omit<Note, 'signature'>): string {
  const canonical = JSON.stringify([n.id, n.device_id, n.recording, n.kind, n.author, n.at, n.body]);
  return createHmac('sha256', accountKey(secret, n.author)).update(canonical, 'utf8').digest('hex');
}

export function noteVerifies(secret: Uint8Array, n: Note): boolean {
  const want = Buffer.from(sign(secret, n), 'hex');
  const got = Buffer.from(n.signature, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

export async function addNote(db: SqlDb, secret: Uint8Array, n: Omit<Note, 'id' | 'signature'>): Promise<Note> {
  const row = { id: randomUUID(), ...n };
  const note: Note = { ...row, signature: sign(secret, row) };
  await db.run('INSERT INTO notes (id, device_id, recording, kind, author, at, body, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [note.id, note.device_id, note.recording, note.kind, note.author, note.at, note.body, note.signature]);
  return note;
}

export async function notesOf(db: SqlDb, deviceId: string, recording: number): Promise<Note[]> {
  return (await db.all('SELECT id, device_id, recording, kind, author, at, body, signature FROM notes WHERE device_id = $1 AND recording = $2 ORDER BY at, id', [deviceId, recording])) as unknown as Note[];
}
