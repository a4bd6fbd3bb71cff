// The Node flags `quancheng serve` runs under. V8 takes its heap flags only on node's own
// command line (NODE_OPTIONS refuses them, and the heap reads them once, when it is made), so
// the command started without them runs itself again in a child node that has them.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * A 64 MB floor under the old generation's limit. The service's live heap is small (about
 * 12 MB), so V8 set the limit near 27 MB, and each 22 MB offload batch (the HTTP parser's
 * copy of the body, then each entry's own array) set off two full mark-compacts
 * (`--trace-gc`); with the floor, one batch in two or three does. The service's CPU per
 * batch fell from 108–125 ms to 85–102 (`node dist/bench.cjs --worm`, docs/WORM.md). The
 * cost: up to 64 MB of garbage held before a full collection.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=64'];

const flagName = (arg: string) => arg.split('=')[0];

/**
 * The node arguments that run `quancheng ARGV` again with the service's flags (script is the
 * file node ran, process.argv[1]); undefined when no new process is needed: not `serve`, or
 * each flag already given (by the child itself, or chosen by whoever started node).
 */
export function serviceRespawnArgs(argv: readonly string[], execArgv: readonly string[], script: string): string[] | undefined {
  if (argv[0] !== 'serve') return undefined;
  const missing = SERVICE_NODE_FLAGS.filter((f) => !execArgv.some((a) => flagName(a) === flagName(f)));
  return missing.length === 0 ? undefined : [...execArgv, ...missing, script, ...argv];
}

const PASSED_ON: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs node with args in this process's place: the same stdio, and the signals that stop the
 * service passed on (so SIGTERM still closes its listener and index cleanly). Its exit code;
 * killed by a signal, 128 + the signal's number, as a shell reports it.
 */
export function runInChild(args: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  const pass = (signal: NodeJS.Signals) => void child.kill(signal);
  for (const s of PASSED_ON) process.on(s, pass);
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  }).finally(() => {
    for (const s of PASSED_ON) process.off(s, pass);
  });
}
