#!/usr/bin/env bash
# Starts SeaweedFS (weed mini: master, volume, filer and S3 in one process) as a bureau's
# WORM evidence store, EVERY port bound to 127.0.0.1. Why loopback: the filer's HTTP port
# reads, writes and deletes any file — Object Lock or not — without authentication; the
# master, volume and admin ports are unauthenticated too. Only the S3 API checks credentials
# and enforces Object Lock, and weed mini binds all its parts to one address, so all stay on
# loopback and the S3 port is reached from this host only (quancheng serve runs here, or a
# TLS reverse proxy forwards to 127.0.0.1:S3_PORT and nothing else). See docs/WORM.md.
#
#   scripts/start-seaweedfs.sh DATA_DIR [S3_PORT]      (S3_PORT defaults to 8333)
#
# S3 credentials: DATA_DIR/s3.json (SeaweedFS's S3 identity file); made on the first start
# with a random key pair, mode 0600. Runs in the foreground; stop it with Ctrl+C or SIGTERM.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: scripts/start-seaweedfs.sh DATA_DIR [S3_PORT]" >&2; exit 2; }
dir="$1"
s3port="${2:-8333}"
[[ "$s3port" =~ ^[0-9]+$ ]] && [ "$s3port" -ge 1 ] && [ "$s3port" -le 65535 ] || { echo "start-seaweedfs: S3_PORT must be a port number, got '$s3port'" >&2; exit 2; }
weed="$root/.cache/seaweedfs/$(tr -d '[:space:]' < "$root/scripts/seaweedfs.version")/weed"
[ -x "$weed" ] || { echo "start-seaweedfs: $weed is not built; run scripts/build-seaweedfs.sh" >&2; exit 2; }
mkdir -p "$dir/data"
config="$dir/s3.json"
if [ ! -f "$config" ]; then
  key="qc$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  secret="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  (umask 077; printf '{"identities":[{"name":"quancheng","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' "$key" "$secret" > "$config")
  echo "start-seaweedfs: S3 credentials written to $config (access key $key)" >&2
fi
# The other parts keep weed mini's default ports (9333, 9340, 8888, 12535 and +10000 for
# gRPC), all on loopback; parts a WORM store does not
# use (WebDAV, the admin UI, Iceberg and Lance catalogs, telemetry) are off; a write to a
# missing bucket fails instead of creating one without Object Lock.
exec "$weed" mini \
  -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -s3.port="$s3port" -s3.config="$config" -s3.autoCreateBucket=false \
  -s3.localSocket="$dir/s3.sock" -filer.localSocket="$dir/filer.sock" \
  -webdav=false -admin.ui=false -admin.port.legacy=0 -s3.port.iceberg=0 -s3.port.lance=0 \
  -master.telemetry=false
