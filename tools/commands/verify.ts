// quancheng verify PATH [--device-key FILE] [--expect-head SEQ:HASH] [--store-key FILE|STOREDIR] [--json] [--html FILE]
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { evidenceFiles } from '../image';
import { CHINA_2026, WorkingDays } from '../../firmware/core/policy/calendar';
import { OFFLOAD_WORKING_DAYS } from '../../firmware/core/policy/deadline';
import { verifyChain, VerifyInputError, type VerifyOptions, type VerifyReport } from '../../firmware/core/evidence';
import { parseArgs } from '../args';
import { nodeChecker, parsePublicKeyFile } from '../../host-sim/crypt/node-checker';
import { chainOpener, withStoreKey } from '../crypto/store-key';
import { readEntryDirectory } from '../entry-files';
import { EXIT_OK, EXIT_PROBLEM, UsageError } from '../errors';
import type { Io } from '../io';
import { renderInspectorReport } from '../report/inspector';
import { formatReport } from '../report/verify-text';

export const verifyUsage = 'quancheng verify PATH [--card IMAGE|DIR] [--device-key FILE] [--expect-head SEQ:HASH] [--at TIME] [--utc-offset ±HH:MM] [--store-key FILE|STOREDIR] [--json] [--html FILE]   (PATH: storage image or directory; --card: the unit\'s card, when media entries are there; --store-key: the designated store\'s content key, to read an encrypted chain)';

/** "+08:00" → 480 minutes. */
export function parseUtcOffset(text: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(text);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) throw new UsageError(`verify: --utc-offset must look like +08:00, got ${JSON.stringify(text)}`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

export function parseExpectHead(text: string): { seq: number; link: string } {
  const m = /^(\d{1,10}):([0-9a-fA-F]{16,64})$/.exec(text);
  if (!m || Number(m[1]) > 0xffffffff) throw new UsageError(`verify: --expect-head must be SEQ:HASH (a sequence number and at least 16 hex digits of its link), got ${JSON.stringify(text)}`);
  return { seq: Number(m[1]), link: m[2].toLowerCase() };
}

export function readDeviceKey(file: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`verify: cannot read device key file ${file}`);
  }
  try {
    return parsePublicKeyFile(text);
  } catch (e) {
    throw new UsageError(`verify: ${file}: ${(e as Error).message}`);
  }
}

export function runVerify(argv: readonly string[], io: Io): number {
  const args = parseArgs('verify', argv, { values: ['card', 'device-key', 'expect-head', 'at', 'utc-offset', 'html', 'store-key'], switches: ['json'], positionals: ['PATH'] });
  const offset = parseUtcOffset(args.values.get('utc-offset') ?? '+08:00');
  const atText = args.values.get('at');
  const now = atText === undefined ? Date.now() : Date.parse(atText);
  if (Number.isNaN(now) || (atText !== undefined && !/[zZ]|[+-]\d\d:\d\d$/.test(atText))) throw new UsageError(`verify: --at must be an ISO 8601 time with its offset, got ${JSON.stringify(atText)}`);
  // Art. 14 deadlines on the unit's working-day calendar (China's official one by default).
  const days = new WorkingDays({ ...CHINA_2026, utcOffsetMinutes: offset });
  const options: VerifyOptions = {
    checker: nodeChecker,
    deadline: { of: (start) => days.deadline(start, OFFLOAD_WORKING_DAYS), now },
  };
  const keyFile = args.values.get('device-key');
  if (keyFile !== undefined) options.deviceKey = readDeviceKey(keyFile);
  const head = args.values.get('expect-head');
  if (head !== undefined) options.expectHead = parseExpectHead(head);
  const path = args.positionals[0];
  const { files, notes } = evidenceFiles(path, args.values.get('card'), 'verify', readEntryDirectory);
  for (const n of notes) io.err(`verify: note: ${n}\n`);
  // An encrypted chain verifies without a key (its content not read); the HTML report needs its content.
  const htmlFile = args.values.get('html');
  const storeKey = args.values.get('store-key');
  const open = chainOpener('verify', path, files, storeKey, htmlFile !== undefined);
  if (open) options.open = open;
  let report: VerifyReport;
  try {
    report = withStoreKey('verify', storeKey, () => verifyChain(files, options));
  } catch (e) {
    if (e instanceof VerifyInputError) throw new UsageError(`verify: ${args.positionals[0]}: ${e.message}`);
    throw e;
  }
  if (htmlFile !== undefined) writeWhole(htmlFile, withStoreKey('verify', storeKey, () => renderInspectorReport(report, files, { utcOffsetMinutes: offset, open })));
  io.out(args.switches.has('json') ? JSON.stringify(report, null, 2) + '\n' : formatReport(report, offset));
  return report.ok ? EXIT_OK : EXIT_PROBLEM;
}

/** Writes through a temporary file and a rename, so a failed write leaves no half report under the name. */
function writeWhole(file: string, text: string): void {
  const tmp = `${file}.part`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`verify: cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
