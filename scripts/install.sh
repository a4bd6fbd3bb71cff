#!/usr/bin/env bash
# One install for a fresh machine: everything quancheng needs, from registries only.
# Safe to run again. CI (.ci/run) runs exactly this, then the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== npm packages (package-lock.json)"
npm ci --no-audit --no-fund

echo "== installed; try: npx quancheng help"
