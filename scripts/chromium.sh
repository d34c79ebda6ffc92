#!/usr/bin/env bash
# Debian's chromium for the browser tests (Playwright cannot download its own browsers here).
set -euo pipefail
if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Debian chromium for browser tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
