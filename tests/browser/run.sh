#!/usr/bin/env bash
# The built package in a real page: starts the test nats-server (scripts/nats-server.sh) and the
# static server (tests/browser/server.ts), drives tests/browser/page.html in headless Chromium
# through playwright-core (tests/browser/run.mjs), and prints `browser-page: N passed, N failed`.
#   tests/browser/run.sh                      against dist/ (make build first)
#   NATS_CLIENT=nats.ws tests/browser/run.sh  against nats.ws's ESM bundle (validates the page)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
export NO_COLOR=1
PORT="${BROWSER_TEST_PORT:-14890}"
WS_URL="ws://127.0.0.1:14280"
mkdir -p .tmp

fail() {
  echo "browser page: $*"
  echo "browser-page: 0 passed, 1 failed"
  exit 1
}
if [ "${NATS_CLIENT:-}" != nats.ws ] && [ ! -f dist/mod.js ]; then fail "dist/mod.js is missing (make build)"; fi

http_pid=""
cleanup() {
  if [ -n "$http_pid" ]; then kill "$http_pid" 2>/dev/null || true; wait "$http_pid" 2>/dev/null || true; fi
  scripts/nats-server.sh stop default >/dev/null 2>&1 || true
}
trap cleanup EXIT
scripts/nats-server.sh start default >/dev/null || fail "nats-server did not start"

deno run -A --no-check tests/browser/server.ts "$PORT" >.tmp/browser-http.log 2>&1 &
http_pid=$!
for _ in $(seq 1 100); do
  grep -q "^listening on" .tmp/browser-http.log 2>/dev/null && break
  kill -0 "$http_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "^listening on" .tmp/browser-http.log || fail "static server did not start: $(cat .tmp/browser-http.log)"

node tests/browser/run.mjs "http://127.0.0.1:$PORT" "$WS_URL"
