// quancheng verify PATH [--device-key FILE] [--expect-head SEQ:HASH] [--json]
import { readFileSync, statSync } from 'node:fs';
import { imageEntryFiles } from '../image';
import { verifyChain, VerifyInputError, type VerifyOptions, type VerifyReport } from '../../firmware/core/evidence';
import { parseArgs } from '../args';
import { nodeChecker, parsePublicKeyFile } from '../crypto/node-checker';
import { readEntryDirectory } from '../entry-files';
import { EXIT_OK, EXIT_PROBLEM, UsageError } from '../errors';
import type { Io } from '../io';
import { formatReport } from '../report/verify-text';

export const verifyUsage = 'quancheng verify PATH [--device-key FILE] [--expect-head SEQ:HASH] [--json]   (PATH: storage image or directory)';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
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
  const args = parseArgs('verify', argv, { values: ['device-key', 'expect-head'], switches: ['json'], positionals: ['PATH'] });
  const options: VerifyOptions = { checker: nodeChecker };
  const keyFile = args.values.get('device-key');
  if (keyFile !== undefined) options.deviceKey = readDeviceKey(keyFile);
  const head = args.values.get('expect-head');
  if (head !== undefined) options.expectHead = parseExpectHead(head);
  const path = args.positionals[0];
  const files = isFile(path) ? imageEntryFiles(path, 'verify') : readEntryDirectory(path);
  let report: VerifyReport;
  try {
    report = verifyChain(files, options);
  } catch (e) {
    if (e instanceof VerifyInputError) throw new UsageError(`verify: ${args.positionals[0]}: ${e.message}`);
    throw e;
  }
  io.out(args.switches.has('json') ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return report.ok ? EXIT_OK : EXIT_PROBLEM;
}
