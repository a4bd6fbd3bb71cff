#!/usr/bin/env node
// Builds the littlefs Node binding: `cargo build --release` of this crate (littlefs C sources
// from the crates.io crate littlefs2-sys; its bindgen step needs libclang), then copies
// target/release/libquancheng_littlefs.so to ./littlefs.node.
//
// Idempotent: does nothing (not even start cargo) when littlefs.node is newer than every
// source file of the crate. `--force` always runs cargo. No dependencies beyond Node.
//
// Machine prerequisites (Debian): apt-get install -y libclang-dev clang ; a Rust toolchain.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'littlefs.node');
const targetDir = join(here, 'target');
const built = join(targetDir, 'release', process.platform === 'darwin' ? 'libquancheng_littlefs.dylib' : 'libquancheng_littlefs.so');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

function sources() {
  const files = ['Cargo.toml', 'Cargo.lock', 'build.rs'].map((f) => join(here, f)).filter(existsSync);
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(join(here, 'src'));
  return files;
}

function upToDate() {
  if (!existsSync(out)) return false;
  const t = statSync(out).mtimeMs;
  return sources().every((f) => statSync(f).mtimeMs <= t);
}

if (!force && upToDate()) {
  if (!quiet) console.log('littlefs.node is up to date');
  process.exit(0);
}

const cargo = process.env.CARGO || 'cargo';
const started = Date.now();
const r = spawnSync(cargo, ['build', '--release'], {
  cwd: here,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, CARGO_TARGET_DIR: targetDir },
});
if (r.error || r.status !== 0) {
  console.error(
    `littlefs binding: cargo build failed${r.error ? ` (${r.error.message})` : ` (exit ${r.status})`}.\n` +
      'It needs a Rust toolchain (cargo) and libclang for bindgen: as root, apt-get install -y libclang-dev clang.',
  );
  process.exit(1);
}
if (!existsSync(built)) {
  console.error(`littlefs binding: cargo succeeded but ${built} is missing`);
  process.exit(1);
}
// Copy to a temporary name and rename, so a process that has the old .node loaded keeps a
// valid mapping and a concurrent reader never sees half a file.
const tmp = `${out}.${process.pid}.tmp`;
copyFileSync(built, tmp);
renameSync(tmp, out);
if (!quiet) console.log(`littlefs.node built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
