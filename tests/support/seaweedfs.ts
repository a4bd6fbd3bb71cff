// SeaweedFS for the tests (tools/store/seaweedfs-mini.ts runs it). A missing binary: skip
// saying why, but fail under CI, whose install built it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { weedPath } from '../../tools/store/seaweedfs-mini';

export { startSeaweed, type SeaweedServer } from '../../tools/store/seaweedfs-mini';

const ROOT = join(__dirname, '..', '..');

/** The weed binary scripts/build-seaweedfs.sh makes, or undefined (printing why) when it is not built. */
export function findWeed(): string | undefined {
  const bin = weedPath(ROOT, readFileSync(join(ROOT, 'scripts', 'seaweedfs.version'), 'utf8'));
  if (existsSync(bin)) return bin;
  const why = `SeaweedFS is not built (${bin})`;
  if (process.env.CI) throw new Error(`${why}: scripts/install.sh builds it (scripts/build-seaweedfs.sh)`);
  console.warn(`SKIPPING SeaweedFS tests: ${why}; run scripts/build-seaweedfs.sh`);
  return undefined;
}
