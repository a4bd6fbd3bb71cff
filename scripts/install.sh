#!/usr/bin/env bash
# One install for a fresh machine: everything quancheng needs, from registries only.
# Safe to run again. CI (.ci/run) runs exactly this, then the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
# Rust (cargo) from rustup, when the shell that runs us did not load it.
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

need_apt=()
# The C compiler and make build @agoric/xsnap's XS worker (npm postinstall) and tests/native.
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc libc6-dev)
command -v make >/dev/null 2>&1 || need_apt+=(make)
# bindgen (littlefs2-sys, the littlefs binding's build) needs libclang;
# espeak-ng speaks the statutory notice (resources/build-clips.mjs).
dpkg -s libclang-dev >/dev/null 2>&1 || need_apt+=(libclang-dev clang)
dpkg -s espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
# chromium renders the inspector's HTML report in a real headless browser (tests/tools/inspector).
dpkg -s chromium >/dev/null 2>&1 || need_apt+=(chromium)
# The reports and notes are Chinese: without a CJK font the browser draws empty boxes.
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
# quancheng export: ffprobe checks its AVI/WAV in the tests; xorriso writes the --iso disc image.
dpkg -s ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
dpkg -s xorriso >/dev/null 2>&1 || need_apt+=(xorriso)
# The WORM store's index database for a bureau, and the engine its tests start (tests/store/worm).
dpkg -s postgresql >/dev/null 2>&1 || need_apt+=(postgresql)
# Debian's own python3 makes virtual environments only with python3-venv (ensurepip).
python3 -c 'import ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

echo "== python packages (scripts/requirements.txt) in the project's own .venv"
# A virtual environment of the project's: nothing depends on what the machine's python3 has
# installed, and Debian's "externally managed" Python is left alone (tools/python.ts finds it).
[ -x .venv/bin/python3 ] || python3 -m venv .venv
.venv/bin/python3 -m pip install --disable-pip-version-check -q -r scripts/requirements.txt

echo "== npm packages (package-lock.json); builds the CLI and the littlefs binding"
# better-sqlite3 compiles against this Node's own headers (node-gyp would download them, and
# there is no network but the registries): point it at the headers Node installed beside itself.
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
if [ -f "$node_prefix/include/node/node_version.h" ]; then
  export npm_config_nodedir="$node_prefix"
else
  echo "install: no Node headers in $node_prefix/include/node (better-sqlite3 cannot build offline); install Node with its headers" >&2
  exit 1
fi
npm ci --no-audit --no-fund

echo "== SeaweedFS (the S3 engine with Object Lock the WORM store tests run against)"
bash scripts/build-seaweedfs.sh

echo "== installed; try: npx quancheng help"
