#!/usr/bin/env bash
# Idempotent set-up shared by `make run` and `make test`: virtualenv, Python packages,
# bun (from the npm registry: Reflex's own download does not work offline).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
PYTHON="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
STAMP=.venv/.hitrec-installed
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  echo "==> installing Python dependencies"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
  touch "$STAMP"
fi

BUN="$ROOT/.tools/node_modules/bun/bin/bun.exe"
if [ ! -x "$BUN" ]; then
  echo "==> installing bun from the npm registry"
  command -v npm >/dev/null || { echo "npm is needed to fetch bun; install Node.js >= 18" >&2; exit 1; }
  mkdir -p .tools
  npm install --prefix .tools --no-audit --no-fund --loglevel=error bun@1.4.4 >/dev/null
  if [ ! -x "$BUN" ]; then
    # bun's postinstall did not run (npm may skip install scripts): run it ourselves.
    (cd .tools/node_modules/bun && node install.js)
  fi
fi
"$BUN" --version >/dev/null

export REFLEX_BUN_PATH="$BUN"
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=false
export PATH="$ROOT/.venv/bin:$PATH"
