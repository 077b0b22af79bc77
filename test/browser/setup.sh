#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (see test/support/chromium.sh).
set -euo pipefail
exec bash "$(dirname "$0")/../support/chromium.sh"
