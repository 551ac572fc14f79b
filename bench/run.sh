#!/usr/bin/env bash
# The benchmark (`make bench` runs it after the build): nats-wasm (dist/mod.js) against nats.ws
# 1.30.3 on one nats-server, each figure as a ratio (> 1 = nats-wasm better) beside its target.
# It starts its own nats-server from bench/nats.conf (127.0.0.1 only: client 15222, websocket
# 15280, monitor 15822; pid and log in .tmp/bench/), runs bench/driver.ts (a fresh Deno process per
# scenario, client and repetition), stops the server, and leaves the table in .tmp/bench/results.md.
# JetStream's store folder is a fresh `mktemp -d` folder outside the repo (the JetStream rows use
# memory streams, so it stays empty), removed by the EXIT trap with the server.
# It must not contact anything but 127.0.0.1, touch anything outside bench/, .tmp/bench/ and that
# temp folder, or leave its server or folder behind (an EXIT trap removes both); every child
# process has a hard timeout.
#
#   bench/run.sh                      full run (~5-6 minutes on 2 cores)
#   BENCH_QUICK=1 bench/run.sh        small-N smoke run (< 1 minute)
#   BENCH_OURS_MODULE=nats.ws ...     run nats.ws in the nats-wasm slot too (harness self-check)
#   BENCH_REPS=N, BENCH_ONLY=pub16,connect,...   repetitions / a subset of scenarios
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
TMP="$ROOT/.tmp/bench"
CONF="$ROOT/bench/nats.conf"
PIDFILE="$TMP/nats.pid"
LOG="$TMP/nats.log"
WS_PORT=15280
TCP_PORT=15222
HTTP_PORT=15822

die() {
  printf 'bench: %s\n' "$*" >&2
  exit 1
}

command -v deno >/dev/null 2>&1 || die "deno not found (make setup installs it into .tools/)"
command -v nats-server >/dev/null 2>&1 || die "nats-server is not on PATH (scripts/setup.sh test)"
[ -f "$ROOT/.tools/node_modules/nats.ws/esm/nats.js" ] || die "nats.ws is not installed (make setup)"
if [ -z "${BENCH_OURS_MODULE:-}" ] && [ ! -f "$ROOT/dist/mod.js" ]; then
  die "dist/mod.js is missing: run 'make build' (or BENCH_OURS_MODULE=nats.ws for a self-check)"
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$TMP"
for p in "$TCP_PORT" "$WS_PORT" "$HTTP_PORT"; do
  if port_open "$p"; then die "port $p on 127.0.0.1 is already in use (a stale bench server? see $PIDFILE)"; fi
done

SERVER_PID=""
JS_STORE=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  if [ -n "$JS_STORE" ]; then rm -rf "$JS_STORE"; fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

: >"$LOG"
JS_STORE="$(mktemp -d "${TMPDIR:-/tmp}/nats-bench-js.XXXXXX")"
BENCH_JS_STORE_DIR="$JS_STORE" nats-server -c "$CONF" -P "$PIDFILE" -l "$LOG" </dev/null >>"$LOG" 2>&1 &
SERVER_PID=$!
ready=""
for _ in $(seq 1 100); do
  if port_open "$WS_PORT" && port_open "$TCP_PORT" && port_open "$HTTP_PORT"; then
    ready=1
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ready" ]; then
  tail -n 20 "$LOG" >&2 || true
  die "the bench nats-server did not become ready"
fi
BENCH_SERVER_VERSION="$(nats-server --version 2>/dev/null | head -n1 | sed 's/^nats-server: /nats-server /')"
export BENCH_SERVER_VERSION
echo "bench: $BENCH_SERVER_VERSION on 127.0.0.1 (ws :$WS_PORT, tcp :$TCP_PORT), pid $SERVER_PID" >&2

status=0
deno run -A "$ROOT/bench/driver.ts" || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "bench: the nats-server exited during the run; its log:" >&2
  tail -n 20 "$LOG" >&2 || true
  status=1
fi
exit "$status"
