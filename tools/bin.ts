// Entry point of the bundled CLI (dist/quancheng.cjs).
import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`quancheng: internal error: ${(e as Error).message}\n`);
    process.exitCode = 3;
  },
);
