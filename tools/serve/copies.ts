// Evidence-copy requests (art. 16): an officer asks for a copy of a recording with a reason,
// the leader in charge approves or refuses, and only an approved request gets its package
// (note, media, originals, verification, disc image), made once from the held objects.
// A request moves asked → approved | refused, once; nothing is ever removed.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { entryPath, fromHex, parseEntry, verifyChain, type EntryFile } from '../../firmware/core/evidence';
import type { KeyObject } from 'node:crypto';
import { entryOpener } from '../crypto/decrypt-entry';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { encryptedCount } from '../crypto/store-key';
import { volumeId, writeIso } from '../export/iso';
import { writePackage } from '../export/package';
import { announcedKey } from '../store/announced-key';
import type { SqlDb } from '../store/sql/sql-db';
import type { HeldSource } from './index-rows';
import { HttpError } from './http-util';
import { recordingRange } from './recording-range';

export type CopyState = 'asked' | 'approved' | 'refused';

export interface CopyRequest {
  id: string;
  device_id: string;
  recording: number;
  asked_by: string;
  asked_at: number;
  reason: string;
  state: CopyState;
  decided_by: string | null;
  decided_at: number | null;
  decision_reason: string | null;
}

const COLUMNS = 'id, device_id, recording, asked_by, asked_at, reason, state, decided_by, decided_at, decision_reason';
export const CST_MINUTES = 480;

export async function askCopy(db: SqlDb, r: Pick<CopyRequest, 'device_id' | 'recording' | 'asked_by' | 'asked_at' | 'reason'>): Promise<CopyRequest> {
  const row: CopyRequest = { id: randomUUID(), ...r, state: 'asked', decided_by: null, decided_at: null, decision_reason: null };
  await db.run(`INSERT INTO copy_requests (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [row.id, row.device_id, row.recording, row.asked_by, row.asked_at, row.reason, row.state, null, null, null]);
  return row;
}

export async function copyRequest(db: SqlDb, id: string): Promise<CopyRequest | undefined> {
  return (await db.all(`SELECT ${COLUMNS} FROM copy_requests WHERE id = $1`, [id]))[0] as unknown as CopyRequest | undefined;
}

/** Newest first; an officer's own requests only when `askedBy` is given. */
export async function copyRequests(db: SqlDb, askedBy?: string): Promise<CopyRequest[]> {
  const rows = askedBy === undefined
    ? await db.all(`SELECT ${COLUMNS} FROM copy_requests ORDER BY asked_at DESC, id`, [])
    : await db.all(`SELECT ${COLUMNS} FROM copy_requests WHERE asked_by = $1 ORDER BY asked_at DESC, id`, [askedBy]);
  return rows as unknown as CopyRequest[];
}

/** Records the leader's decision on a request still asked; false when it was already decided. */
export async function decideCopy(db: SqlDb, id: string, d: { state: 'approved' | 'refused'; by: string; at: number; reason: string }): Promise<boolean> {
  const before = await copyRequest(db, id);
  if (!before || before.state !== 'asked') return false;
  await db.run("UPDATE copy_requests SET state = $1, decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $5 AND state = 'asked'", [d.state, d.by, d.at, d.reason, id]);
  return (await copyRequest(db, id))?.decided_at === d.at;
}

export const copyDir = (root: string, id: string) => join(root, id);
export const copyIso = (root: string, id: string) => join(root, `${id}.iso`);

/** The entries a copy of one recording rests on (recording-range.ts), anchored on the entry before them. */
async function copyEntries(db: SqlDb, source: HeldSource, deviceId: string, recording: number) {
  const held = await source.held(deviceId);
  const { from, to } = await recordingRange(db, held, deviceId, recording);
  const files: EntryFile[] = [];
  for (const line of held) if (line.seq >= from && line.seq <= to) files.push({ path: entryPath(line.seq), bytes: await source.object(line.sha256) });
  const before = held.find((l) => l.seq === from - 1);
  const key = announcedKey(parseEntry(await source.object(held[0].sha256)));
  return { files, anchor: before ? { seq: before.seq, link: fromHex(before.link) } : undefined, deviceKey: key };
}

/**
 * Writes an approved request's package and disc image under `root`, whole or not at all.
 * Encrypted entries (FORMAT §7a) are decrypted with the store's content key for the media
 * and notes; the package's originals are the ciphertext as offloaded.
 */
export async function produceCopy(root: string, db: SqlDb, source: HeldSource, req: CopyRequest, at: number, contentKey?: KeyObject): Promise<{ files: number; bytes: number }> {
  const { files, anchor, deviceKey } = await copyEntries(db, source, req.device_id, req.recording);
  const encrypted = encryptedCount(files);
  if (encrypted > 0 && !contentKey) throw new HttpError(409, `${req.device_id}/${req.recording}: ${encrypted} encrypted entries and the store has no content key (content-key.pem) to read them`);
  const open = contentKey && encrypted > 0 ? entryOpener(contentKey) : undefined;
  const report = verifyChain(files, { checker: nodeChecker, anchor, deviceKey, open });
  const dir = copyDir(root, req.id);
  const iso = copyIso(root, req.id);
  if (existsSync(dir) || existsSync(iso)) throw new Error(`copy ${req.id} exists already`);
  const stagingDir = `${dir}.partial`;
  const stagingIso = `${iso}.partial`;
  try {
    mkdirSync(stagingDir, { recursive: true });
    const summary = writePackage(stagingDir, { files, report, exportedAt: at, utcOffsetMinutes: CST_MINUTES, open });
    writeIso(stagingDir, stagingIso, volumeId(req.device_id, report.head?.seq ?? null), at / 1000);
    renameSync(stagingDir, dir);
    renameSync(stagingIso, iso);
    return { files: summary.files.size, bytes: summary.bytes };
  } catch (e) {
    rmSync(stagingDir, { recursive: true, force: true });
    rmSync(stagingIso, { force: true });
    throw e;
  }
}
