// quancheng export PATH --out DIR [--iso FILE] [--utc-offset ±HH:MM] [--at TIME] [--store-key FILE|STOREDIR] [--json]
// An evidence package for a case file (rule art. 15). Never presents a half-written
// package: everything goes to a temporary sibling, renamed into place when complete.
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { verifyChain, VerifyInputError, type EntryFile, type VerifyReport } from '../../firmware/core/evidence';
import { CHINA_2026, WorkingDays } from '../../firmware/core/policy/calendar';
import { OFFLOAD_WORKING_DAYS } from '../../firmware/core/policy/deadline';
import { parseArgs } from '../args';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { chainOpener, withStoreKey } from '../crypto/store-key';
import { readEntryDirectory } from '../entry-files';
import { EXIT_OK, EXIT_PROBLEM, UsageError } from '../errors';
import { volumeId, writeIso, xorrisoAvailable } from '../export/iso';
import { writePackage } from '../export/package';
import { evidenceFiles } from '../image';
import type { Io } from '../io';
import { parseUtcOffset } from './verify';

export const exportUsage = 'quancheng export PATH [--card IMAGE|DIR] --out DIR [--iso FILE] [--utc-offset ±HH:MM] [--at TIME] [--store-key FILE|STOREDIR] [--json]   (PATH: storage image or directory; --store-key: the designated store\'s content key, needed for an encrypted chain)';

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** Cleanup after a failure must not hide the failure. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // nothing there, or nothing we can remove
  }
}

const inside = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

function readSource(path: string, card: string | undefined, io: Io): EntryFile[] {
  try {
    const { files, notes } = evidenceFiles(path, card, 'export', readEntryDirectory);
    for (const n of notes) io.err(`export: note: ${n}\n`);
    return files;
  } catch (e) {
    if (e instanceof UsageError && !e.message.startsWith('export:')) throw new UsageError(`export: ${e.message}`);
    throw e;
  }
}

export function runExport(argv: readonly string[], io: Io): number {
  const args = parseArgs('export', argv, { values: ['out', 'card', 'iso', 'utc-offset', 'at', 'store-key'], switches: ['json'], positionals: ['PATH'] });
  const source = args.positionals[0];
  const outArg = args.values.get('out');
  if (outArg === undefined) throw new UsageError('export: --out DIR is required');
  const offsetText = args.values.get('utc-offset') ?? '+08:00';
  let offset: number;
  try {
    offset = parseUtcOffset(offsetText);
  } catch {
    throw new UsageError(`export: --utc-offset must look like +08:00, got ${JSON.stringify(offsetText)}`);
  }
  const atText = args.values.get('at');
  const exportedAt = atText === undefined ? Date.now() : Date.parse(atText);
  if (Number.isNaN(exportedAt) || (atText !== undefined && !/[zZ]|[+-]\d\d:\d\d$/.test(atText)))
    throw new UsageError(`export: --at must be an ISO 8601 time with its offset, got ${JSON.stringify(atText)}`);

  // Where it goes: a new (or empty) directory, and a disc image that does not exist yet.
  const target = resolve(outArg);
  const st = statOrNull(target);
  if (st && !st.isDirectory()) throw new UsageError(`export: ${outArg} exists and is not a directory`);
  if (st && readdirSync(target).length > 0) throw new UsageError(`export: ${outArg} exists and is not empty`);
  const srcStat = statOrNull(source);
  if (srcStat?.isDirectory() && inside(target, resolve(source))) throw new UsageError(`export: ${outArg} is inside the evidence directory ${source}`);
  const isoArg = args.values.get('iso');
  const iso = isoArg === undefined ? undefined : resolve(isoArg);
  if (iso !== undefined) {
    if (existsSync(iso)) throw new UsageError(`export: ${isoArg} already exists`);
    if (inside(iso, target)) throw new UsageError(`export: the disc image ${isoArg} cannot be inside the package ${outArg}`);
    if (!xorrisoAvailable()) throw new UsageError('export: --iso needs xorriso (apt-get install xorriso)');
  }

  // The verdict, exactly as `quancheng verify` gives it at the export time.
  const files = readSource(source, args.values.get('card'), io);
  const days = new WorkingDays({ ...CHINA_2026, utcOffsetMinutes: offset });
  // An encrypted chain is read with the store's key, checked here before anything is written.
  const storeKey = args.values.get('store-key');
  const open = chainOpener('export', source, files, storeKey, true);
  let report: VerifyReport;
  try {
    report = withStoreKey('export', storeKey, () => verifyChain(files, { checker: nodeChecker, deadline: { of: (start) => days.deadline(start, OFFLOAD_WORKING_DAYS), now: exportedAt }, open }));
  } catch (e) {
    if (e instanceof VerifyInputError) throw new UsageError(`export: ${source}: ${e.message}`);
    throw e;
  }

  const staging = join(dirname(target), `${basename(target)}.partial-${process.pid}`);
  const isoStaging = iso === undefined ? undefined : join(dirname(iso), `${basename(iso)}.partial-${process.pid}`);
  let summary;
  try {
    mkdirSync(staging, { recursive: true });
    summary = writePackage(staging, { files, report, exportedAt, utcOffsetMinutes: offset, open });
    if (iso !== undefined && isoStaging !== undefined) {
      mkdirSync(dirname(iso), { recursive: true });
      writeIso(staging, isoStaging, volumeId(report.deviceId, report.head?.seq ?? null), exportedAt / 1000);
    }
    if (existsSync(target)) rmdirSync(target); // empty, checked above
    renameSync(staging, target);
    if (iso !== undefined && isoStaging !== undefined) renameSync(isoStaging, iso);
  } catch (e) {
    removeQuietly(staging);
    if (isoStaging !== undefined) removeQuietly(isoStaging);
    const code = (e as { code?: string }).code;
    throw new UsageError(`export: ${code ? `${code}: ` : ''}${(e as Error).message ?? String(e)}`.split('\n')[0]);
  }

  const recordings = summary.note.recordings;
  const mediaFiles = recordings.flatMap((r) => (r.media ? [r.media.video, r.media.audio].filter((x): x is string => x !== null) : []));
  if (args.switches.has('json'))
    io.out(
      JSON.stringify(
        { ok: report.ok, out: outArg, iso: isoArg ?? null, head: report.head, problems: report.problems.length, recordings: recordings.length, media: mediaFiles, files: summary.files.size, bytes: summary.bytes },
        null,
        2,
      ) + '\n',
    );
  else {
    io.out(`exported ${recordings.length} recording${recordings.length === 1 ? '' : 's'} (${mediaFiles.length} media files, ${summary.files.size} files, ${summary.bytes} bytes) to ${outArg}${isoArg ? `, disc image ${isoArg}` : ''}\n`);
    io.out(summary.note.verification.verdict + '\n');
    if (!report.ok) io.out(`the chain has ${report.problems.length} integrity problem${report.problems.length === 1 ? '' : 's'}: see ${join(outArg, 'verify.txt')}; media only from entries that verified\n`);
  }
  return report.ok ? EXIT_OK : EXIT_PROBLEM;
}
