#!/usr/bin/env bash
# Builds SeaweedFS's `weed` (the S3 engine with Object Lock the WORM store tests run against)
# from the Go module proxy, in a scratch module, into the gitignored .cache/seaweedfs/<version>/.
# Skips when that binary is already there. Prints the binary's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
# The version the module proxy serves (a pseudo-version: SeaweedFS tags are not semver modules),
# kept in one file the tests read too (tests/store/worm/seaweedfs.ts).
version="$(tr -d '[:space:]' < scripts/seaweedfs.version)"
out="$PWD/.cache/seaweedfs/$version"
bin="$out/weed"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || { echo "build-seaweedfs: no Go toolchain (go, /usr/local/go/bin/go)" >&2; exit 1; }
mkdir -p "$out"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/quancheng-weed.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
go mod init quancheng.local/weedbuild >/dev/null 2>&1
echo "== seaweedfs $version: go get (module proxy)"
GOFLAGS=-mod=mod go get "github.com/seaweedfs/seaweedfs@$version"
echo "== seaweedfs: go build weed (a few minutes on a cold cache)"
# Build to a temporary name, then rename: a half-built binary is never taken as done.
GOFLAGS=-mod=mod CGO_ENABLED=0 go build -o "$bin.part" github.com/seaweedfs/seaweedfs/weed
mv "$bin.part" "$bin"
echo "$bin"
