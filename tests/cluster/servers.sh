#!/usr/bin/env bash
# Starts, stops and injects faults into the nats-servers of tests/cluster/ (the three-node
# cluster n1 n2 n3, and the lone servers slow, bigpending, browser and js). Every server listens on
# 127.0.0.1, ports 17100-17199 only. Pid files and logs: <repo>/.tmp/cluster/<name>.pid / .log.
# A config naming NATS_JS_STORE_DIR (JetStream) gets a fresh store folder outside the repo
# (mktemp -d under $TMPDIR or /tmp, recorded in <name>.jsdir) when it starts without one; the
# folder survives kill/restart (streams come back from disk) and is removed by `stop`.
#
#   servers.sh start <name>... | cluster   start (no-op if running); returns once it answers
#   servers.sh stop <name>... | all        SIGCONT (in case it is frozen), SIGTERM, then SIGKILL
#   servers.sh kill <name>                 SIGKILL, returns once the process is gone
#   servers.sh restart <name>              kill if running, then start
#   servers.sh freeze <name>               SIGSTOP (the kernel still accepts and buffers)
#   servers.sh thaw <name>                 SIGCONT
#   servers.sh ldm <name>                  lame-duck mode: nats-server --signal ldm=<pid>
#   servers.sh pid <name>                  prints the pid of a running server
#   servers.sh wait-cluster                returns once n1 n2 n3 each route to both others (<= 15 s)
#   servers.sh wait-js                     returns once n1 n2 n3 each report JetStream healthy: a
#                                          meta leader known and every asset current (<= 30 s)
#
# Must not: touch tests/nats/ (scripts/nats-server.sh owns those), wait without a bound, or remove
# a folder it did not create.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="$ROOT/tests/cluster"
TMP="$ROOT/.tmp/cluster"
mkdir -p "$TMP"

die() {
  printf 'servers.sh: %s\n' "$*" >&2
  exit 1
}

# conf_port NAME BLOCK: the port of `listen` inside `BLOCK { }`, or of the top-level `http`.
conf_port() {
  local conf="$DIR/$1.conf"
  if [ "$2" = http ]; then
    sed -n 's/^http: *"[^:]*:\([0-9]*\)".*/\1/p' "$conf"
  else
    awk -v block="$2" '
      $0 ~ "^" block " *[{]" { inb = 1; next }
      inb && /^[}]/ { inb = 0 }
      inb && /listen:/ { gsub(/[^0-9:]/, ""); n = split($0, p, ":"); print p[n]; exit }' "$conf"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

monitor() { curl -fsS --max-time 1 "http://127.0.0.1:$(conf_port "$1" http)/$2" 2>/dev/null; }

pid_of() { # prints the pid when the server named $1 is alive
  local f="$TMP/$1.pid" pid
  [ -f "$f" ] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "nats-server" || return 1
  # a zombie (killed, not yet reaped) is not running
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  printf '%s\n' "$pid"
}

# store_dir NAME: prints the JetStream store folder of NAME, creating (and recording) a fresh one
# when it has none yet
store_dir() {
  local rec="$TMP/$1.jsdir" d
  if [ -f "$rec" ] && d="$(cat "$rec")" && [ -d "$d" ]; then
    printf '%s\n' "$d"
    return 0
  fi
  d="$(mktemp -d "${TMPDIR:-/tmp}/nats-wasm-cluster-$1.XXXXXX")"
  printf '%s\n' "$d" >"$rec"
  printf '%s\n' "$d"
}

start() {
  local name="$1" conf="$DIR/$1.conf" ws pid health=healthz
  [ -f "$conf" ] || die "no config $conf"
  ws="$(conf_port "$name" websocket)"
  # a clustered JetStream node alone has no meta leader (2 of 3 are needed), so its full /healthz
  # fails until its peers are up too: a start only waits for the server itself (wait-js does the
  # rest)
  if grep -q NATS_JS_STORE_DIR "$conf" && grep -q '^cluster' "$conf"; then
    health='healthz?js-server-only=true'
  fi
  if ! pid="$(pid_of "$name")"; then
    # 100 x 0.1 s: a restarted node's port can linger for a moment after SIGKILL
    for _ in $(seq 1 100); do port_open "$ws" || break; sleep 0.1; done
    port_open "$ws" && die "port $ws is taken by another process"
    : >"$TMP/$name.log" # each run's log starts empty (a test reads the slow server's)
    if grep -q NATS_JS_STORE_DIR "$conf"; then
      NATS_JS_STORE_DIR="$(store_dir "$name")"
      export NATS_JS_STORE_DIR
    fi
    nohup nats-server -c "$conf" -P "$TMP/$name.pid" -l "$TMP/$name.log" \
      </dev/null >>"$TMP/$name.log" 2>&1 &
    pid=$!
  fi
  # ready: websocket port open and /healthz ok, within 100 x 0.1 s
  for _ in $(seq 1 100); do
    if port_open "$ws" && monitor "$name" "$health" | grep -q '"ok"'; then return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$TMP/$name.log" >&2 || true
  die "server $name did not become ready"
}

# drop_store NAME: removes the store folder recorded for NAME (only one this script created)
drop_store() {
  local rec="$TMP/$1.jsdir" d
  [ -f "$rec" ] || return 0
  d="$(cat "$rec")"
  case "$d" in
  */nats-wasm-cluster-"$1".*) rm -rf "$d" ;;
  esac
  rm -f "$rec"
}

stop() {
  local pid
  if pid="$(pid_of "$1")"; then
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$TMP/$1.pid"
  drop_store "$1"
}

kill9() {
  local pid
  pid="$(pid_of "$1")" || return 0
  kill -KILL "$pid" 2>/dev/null || true
  # the process is nohup'd by an exited shell: init reaps it; wait until it is gone (<= 5 s)
  for _ in $(seq 1 50); do pid_of "$1" >/dev/null || break; sleep 0.1; done
  rm -f "$TMP/$1.pid"
}

wait_cluster() {
  local n
  for _ in $(seq 1 150); do
    n=0
    for s in n1 n2 n3; do
      # route pooling opens several routes per peer: count the distinct peers
      [ "$(monitor "$s" routez | grep -o '"remote_name": *"[^"]*"' | sort -u | wc -l)" -eq 2 ] &&
        n=$((n + 1))
    done
    [ "$n" -eq 3 ] && return 0
    sleep 0.1
  done
  die "the cluster did not form: $(for s in n1 n2 n3; do printf '%s sees [%s] ' "$s" \
    "$(monitor "$s" routez | grep -o '"remote_name": *"[^"]*"' | sort -u | tr -d '\n')"; done)"
}

wait_js() {
  local n end=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$end" ]; do
    n=0
    for s in n1 n2 n3; do
      monitor "$s" healthz | grep -q '"ok"' && n=$((n + 1))
    done
    [ "$n" -eq 3 ] && return 0
    sleep 0.1
  done
  # without -f: an unhealthy server answers 503 with the reason
  die "JetStream is not healthy: $(for s in n1 n2 n3; do printf '%s: %s ' "$s" "$(curl -sS \
    --max-time 1 "http://127.0.0.1:$(conf_port "$s" http)/healthz" 2>&1 | tr -d '\n')"; done)"
}

names() { # expands the group words
  for a in "$@"; do
    case "$a" in
    cluster) echo n1 n2 n3 ;;
    all) for c in "$DIR"/*.conf; do basename "$c" .conf; done ;;
    *) echo "$a" ;;
    esac
  done
}

cmd="${1:-}"
shift || true
case "$cmd" in
start) for n in $(names "$@"); do start "$n"; done ;;
stop) for n in $(names "$@"); do stop "$n"; done ;;
kill) kill9 "$1" ;;
restart) kill9 "$1" && start "$1" ;;
freeze) kill -STOP "$(pid_of "$1")" ;;
thaw) kill -CONT "$(pid_of "$1")" ;;
ldm) nats-server --signal "ldm=$(pid_of "$1")" ;;
pid) pid_of "$1" ;;
wait-cluster) wait_cluster ;;
wait-js) wait_js ;;
*)
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
