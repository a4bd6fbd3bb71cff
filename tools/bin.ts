// Entry point of the bundled CLI (dist/quancheng.cjs).
import { main } from './cli';

// A reader that stops early (`quancheng ... | head`) is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`quancheng: internal error: ${(e as Error).message}\n`);
    process.exitCode = 3;
  },
);
