#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed (playwright-core drives it; playwright's own browser
# download does not work offline). Shared by the browser and end-to-end tests. Idempotent: a
# no-op when the binary exists. CHROMIUM_PATH names another binary.
set -euo pipefail
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$chromium" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "test/support/chromium.sh: $chromium is missing and apt-get is not available; install Chromium by hand" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine: update only when the install fails.
$SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || {
  $SUDO apt-get update >/dev/null
  $SUDO apt-get install -y --no-install-recommends chromium >/dev/null
}
test -x "$chromium"
