// Builds the host bundles with esbuild: the quancheng CLI and the benchmarks (with the HTTP
// hop bench's technician client and receiving end, each run in its own process). Device module
// specifiers resolve to their host-sim implementations (host-sim/aliases.cjs).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const aliases = createRequire(import.meta.url)('./aliases.cjs');
const alias = Object.fromEntries(Object.entries(aliases).map(([spec, file]) => [spec, join(root, file)]));

// esbuild's own API and better-sqlite3 stay external: a bundled copy cannot find its native binary.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', alias, sourcemap: 'linked', logLevel: 'warning', external: ['*.node', 'esbuild', 'better-sqlite3'] };

await Promise.all([
  build({ ...common, entryPoints: [join(root, 'tools/bin.ts')], outfile: join(root, 'dist/quancheng.cjs') }),
  build({ ...common, entryPoints: [join(root, 'bench/main.ts')], outfile: join(root, 'dist/bench.cjs') }),
  build({ ...common, entryPoints: [join(root, 'bench/offload-client.ts')], outfile: join(root, 'dist/bench-offload-client.cjs') }),
  build({ ...common, entryPoints: [join(root, 'bench/hop-service.ts')], outfile: join(root, 'dist/bench-hop-service.cjs') }),
]);
