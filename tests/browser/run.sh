#!/usr/bin/env bash
# The built package in real pages: starts the test nats-servers (scripts/nats-server.sh: default
# and JetStream) and the static server (tests/browser/server.ts), drives tests/browser/page.html,
# kv_os.html (KV and ObjectStore, with a Deno client: peer.ts), services.html (with svc_peer.ts)
# and the web page example in two tabs (web_tabs.mjs) in headless Chromium through
# playwright-core (tests/browser/run.mjs), and prints `browser-page: N passed, N failed`.
# For our client it also starts the auth and wss:// servers of tests/auth/fixtures.sh (fresh keys,
# JWTs and a test CA) and has Chromium trust that CA's server key (SPKI), so the page runs its
# authentication, permission and wss:// tests too.
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
  scripts/nats-server.sh stop jetstream >/dev/null 2>&1 || true
  tests/auth/fixtures.sh stop
}
trap cleanup EXIT
scripts/nats-server.sh start default >/dev/null || fail "nats-server did not start"
scripts/nats-server.sh start jetstream >/dev/null || fail "the JetStream nats-server did not start"
# the auth and wss:// servers with freshly generated keys, JWTs and certificate
spki=""
if [ "${NATS_CLIENT:-}" != nats.ws ]; then
  tests/auth/fixtures.sh start >.tmp/browser-auth.log 2>&1 || fail "auth fixtures: $(tail -5 .tmp/browser-auth.log)"
  spki="$(cat .tmp/auth/tls/spki.txt)"
fi

deno run -A --no-check tests/browser/server.ts "$PORT" >.tmp/browser-http.log 2>&1 &
http_pid=$!
for _ in $(seq 1 100); do
  grep -q "^listening on" .tmp/browser-http.log 2>/dev/null && break
  kill -0 "$http_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "^listening on" .tmp/browser-http.log || fail "static server did not start: $(cat .tmp/browser-http.log)"

node tests/browser/run.mjs "http://127.0.0.1:$PORT" "$WS_URL" "$spki"
