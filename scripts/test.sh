#!/usr/bin/env bash
# Set up everything and run the whole suite: lint, format and type check, unit and end-to-end
# tests. What CI runs. Extra arguments go to pytest.
#   scripts/test.sh unit   only the unit tests (no browser, no lint)
#   scripts/test.sh e2e    only the end-to-end browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=all
case "${1:-}" in
  unit | e2e) MODE=$1; shift ;;
esac
source scripts/setup.sh
[ "$MODE" = unit ] || scripts/chromium.sh
scripts/services.sh
case "$MODE" in
  unit) exec python -m pytest -m "not e2e" "$@" ;;
  e2e) exec python -m pytest -m e2e "$@" ;;
esac
scripts/lint.sh
echo "==> pytest"
exec python -m pytest "$@"
