#!/usr/bin/env bash
# Browser check of the HTML report (not part of mvn test: it needs Debian's Chromium and Node >= 20).
# Usage: scripts/browser-check.sh [REPORT_DIR] [SCREENSHOT_DIR]
#   REPORT_DIR defaults to target/report (written first with ./prefixproof report when missing);
#   SCREENSHOT_DIR defaults to REPORT_DIR/screenshots. Exit 0: every page loaded without console errors
#   and every figure rendered with non-zero size.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
report="${1:-$here/target/report}"
shots="${2:-$report/screenshots}"
if ! command -v chromium >/dev/null; then
  echo "installing chromium ..." >&2
  apt-get update -qq && apt-get install -y -qq chromium >&2
fi
if [ ! -f "$report/index.html" ]; then
  (cd "$here" && ./prefixproof report --out "$report")
fi
exec node --experimental-websocket "$here/scripts/browser-check.mjs" "$report" "$shots" "$(command -v chromium)"
