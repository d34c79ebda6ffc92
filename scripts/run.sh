#!/usr/bin/env bash
# Set up everything, migrate, load demo data once, and serve the app at http://localhost:${HITREC_PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
echo "==> migrating the database"
alembic upgrade head
if [ "${HITREC_DEMO:-1}" = "1" ]; then
  echo "==> demo data (only into an empty database; HITREC_DEMO=0 for a real deployment)"
  python -m hitrec_app.cli demo
fi
echo "==> starting hitrec at http://localhost:${HITREC_PORT:-3000}"
exec reflex run --env prod --single-port --frontend-port "${HITREC_PORT:-3000}" --backend-port "${HITREC_PORT:-3000}" --loglevel "${HITREC_LOGLEVEL:-info}"
