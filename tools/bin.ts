// Entry point of the bundled CLI (dist/quancheng.cjs).
import { main } from './cli';
import { runInChild, serviceRespawnArgs } from './serve/node-flags';

// A reader that stops early (`quancheng ... | head`) is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const argv = process.argv.slice(2);
// `quancheng serve` runs in a node started with the service's heap flags (serve/node-flags.ts).
const respawn = serviceRespawnArgs(argv, process.execArgv, process.argv[1]);
(respawn ? runInChild(respawn) : main(argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`quancheng: internal error: ${(e as Error).message}\n`);
    process.exitCode = 3;
  },
);
