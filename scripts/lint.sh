#!/usr/bin/env bash
# Lint, format check and type check (the same checks `make test` and pre-commit run).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
echo "==> ruff"
ruff check .
ruff format --check .
echo "==> mypy"
mypy
