#!/usr/bin/env bash
# Starts and stops the local nats-server instances that the tests and examples use.
#
#   scripts/nats-server.sh start  [name] [config]   start one server in the background (no-op if running)
#   scripts/nats-server.sh stop   [name]            stop it (fine if it is not running)
#   scripts/nats-server.sh status [name]            exit 0 when it is running
#   scripts/nats-server.sh start-all | stop-all     every tests/nats/*.conf
#
# name defaults to "default"; config defaults to tests/nats/<name>.conf. Every config listens on
# 127.0.0.1 only, with a plain-text websocket listener (no_tls) and an HTTP monitor. The pid file
# and the log go to <repo>/.tmp/nats-<name>.pid and .log. `start` returns once the websocket port
# accepts connections and the monitor's /healthz answers ok (at most ~10 s), or fails with the log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$ROOT/.tmp"
CONF_DIR="$ROOT/tests/nats"

die() {
  printf 'nats-server.sh: %s\n' "$*" >&2
  exit 1
}

# conf_port FILE BLOCK KEY: the port of `KEY: "host:port"` at the top level (BLOCK="") or inside
# `BLOCK { ... }`.
conf_port() {
  awk -v block="$2" -v key="$3" '
    { sub(/#.*/, "") }
    {
      inblock = (block == "" && depth == 0) || (block != "" && depth == 1 && name[1] == block)
      if (inblock && $0 ~ "^[[:space:]]*" key "[[:space:]]*[:=]") {
        line = $0; gsub(/["[:space:]]/, "", line); n = split(line, p, ":"); print p[n]; exit
      }
      opens = gsub(/[{]/, "{"); closes = gsub(/[}]/, "}")
      if (opens > closes) {
        word = $0; sub(/^[[:space:]]*/, "", word); sub(/[^A-Za-z_].*/, "", word)
        name[depth + 1] = word
      }
      depth += opens - closes
    }' "$1"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

healthy() {
  local http_port="$1"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 1 "http://127.0.0.1:$http_port/healthz" 2>/dev/null | grep -q '"ok"'
  else
    port_open "$http_port"
  fi
}

running_pid() { # prints the pid when the server named $1 is alive
  local pidfile="$TMP/nats-$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(tr -dc '0-9' <"$pidfile")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q nats-server || return 1
  printf '%s\n' "$pid"
}

start() {
  local name="$1" conf="$2" ws_port http_port pid i
  [ -f "$conf" ] || die "no config $conf"
  command -v nats-server >/dev/null 2>&1 || die "nats-server is not on PATH (scripts/setup.sh test installs it)"
  ws_port="$(conf_port "$conf" websocket listen)"
  http_port="$(conf_port "$conf" "" http)"
  [ -n "$ws_port" ] && [ -n "$http_port" ] || die "$conf needs a websocket { listen } and an http entry"
  mkdir -p "$TMP"
  if pid="$(running_pid "$name")"; then
    : # already running: only wait until ready below
  else
    if port_open "$ws_port"; then die "port $ws_port is already taken by another process"; fi
    rm -f "$TMP/nats-$name.pid"
    : >"$TMP/nats-$name.log"
    # a JetStream config stores into a fresh folder outside the repo, removed again by `stop`
    if grep -q 'NATS_JS_STORE_DIR' "$conf"; then
      NATS_JS_STORE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/nats-wasm-js.XXXXXX")"
      export NATS_JS_STORE_DIR
      printf '%s\n' "$NATS_JS_STORE_DIR" >"$TMP/nats-$name.jsdir"
    fi
    nohup nats-server -c "$conf" -P "$TMP/nats-$name.pid" -l "$TMP/nats-$name.log" \
      </dev/null >>"$TMP/nats-$name.log" 2>&1 &
    pid=$!
  fi
  for i in $(seq 1 100); do
    if port_open "$ws_port" && healthy "$http_port"; then
      printf 'nats-server %s ready: ws://127.0.0.1:%s (monitor :%s)\n' "$name" "$ws_port" "$http_port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$TMP/nats-$name.log" >&2 || true
  die "server $name did not become ready"
}

stop() {
  local name="$1" pid i
  if pid="$(running_pid "$name")"; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    printf 'nats-server %s stopped\n' "$name"
  fi
  rm -f "$TMP/nats-$name.pid"
  if [ -f "$TMP/nats-$name.jsdir" ]; then
    rm -rf "$(cat "$TMP/nats-$name.jsdir")" "$TMP/nats-$name.jsdir"
  fi
}

cmd="${1:-}"
name="${2:-default}"
conf="${3:-$CONF_DIR/$name.conf}"
case "$cmd" in
start) start "$name" "$conf" ;;
stop) stop "$name" ;;
status) running_pid "$name" >/dev/null ;;
start-all)
  for c in "$CONF_DIR"/*.conf; do start "$(basename "$c" .conf)" "$c"; done
  ;;
stop-all)
  for c in "$CONF_DIR"/*.conf; do stop "$(basename "$c" .conf)"; done
  ;;
*)
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
