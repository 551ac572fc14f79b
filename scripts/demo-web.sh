#!/usr/bin/env bash
# The web page example (examples/web/) served locally: builds dist/ when it is missing, starts the
# JetStream nats-server of the tests (scripts/nats-server.sh start jetstream: WebSocket on
# 127.0.0.1:14285, its store in a fresh temp folder) unless it already runs, serves the repo root
# with tests/browser/server.ts on 127.0.0.1:$DEMO_WEB_PORT (default 14880), prints the page URL and
# waits until Ctrl-C; then stops what it started (and only that).
#   scripts/demo-web.sh               `make demo-web`
#   scripts/demo-web.sh --screenshot  instead of waiting: fills the page and writes
#                                     docs/img/web-demo.png (scripts/web-screenshot.mjs, Chromium)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/.tools/node_modules/.bin:$PATH"
PORT="${DEMO_WEB_PORT:-14880}"
WS_URL="ws://127.0.0.1:14285" # tests/nats/jetstream.conf
mkdir -p .tmp

if [ ! -f dist/mod.js ]; then scripts/build.sh; fi

http_pid="" started_server=""
cleanup() {
  if [ -n "$http_pid" ]; then kill "$http_pid" 2>/dev/null || true; wait "$http_pid" 2>/dev/null || true; fi
  if [ -n "$started_server" ]; then scripts/nats-server.sh stop jetstream || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! scripts/nats-server.sh status jetstream; then started_server=1; fi
scripts/nats-server.sh start jetstream

deno run -A --no-check tests/browser/server.ts "$PORT" >.tmp/demo-web-http.log 2>&1 &
http_pid=$!
for _ in $(seq 1 100); do
  grep -q "^listening on" .tmp/demo-web-http.log 2>/dev/null && break
  kill -0 "$http_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "^listening on" .tmp/demo-web-http.log || {
  echo "demo-web: the static server did not start: $(cat .tmp/demo-web-http.log)" >&2
  exit 1
}

url="http://127.0.0.1:$PORT/examples/web/?server=$WS_URL"
if [ "${1:-}" = "--screenshot" ]; then
  node scripts/web-screenshot.mjs "$url" docs/img/web-demo.png
  exit 0
fi
printf '\nThe web page example: %s\n' "$url"
printf 'Open it in two tabs: a key put or a file dropped in one shows in the other. Ctrl-C stops.\n'
wait "$http_pid"
