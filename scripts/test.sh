#!/usr/bin/env bash
# Set up everything and run the whole suite: lint, format check, unit and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Debian chromium for browser tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
scripts/services.sh
echo "==> ruff"
ruff check .
ruff format --check .
echo "==> pytest"
exec python -m pytest "$@"
