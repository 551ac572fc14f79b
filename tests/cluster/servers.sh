#!/usr/bin/env bash
# Starts, stops and injects faults into the nats-servers of tests/cluster/ (the three-node
# cluster n1 n2 n3, and the lone servers slow, bigpending and browser). Every server listens on
# 127.0.0.1, ports 17100-17199 only. Pid files and logs: <repo>/.tmp/cluster/<name>.pid / .log.
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
#
# Must not: touch tests/nats/ (scripts/nats-server.sh owns those), or wait without a bound.
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

start() {
  local name="$1" conf="$DIR/$1.conf" ws pid
  [ -f "$conf" ] || die "no config $conf"
  ws="$(conf_port "$name" websocket)"
  if ! pid="$(pid_of "$name")"; then
    # 100 x 0.1 s: a restarted node's port can linger for a moment after SIGKILL
    for _ in $(seq 1 100); do port_open "$ws" || break; sleep 0.1; done
    port_open "$ws" && die "port $ws is taken by another process"
    : >"$TMP/$name.log" # each run's log starts empty (a test reads the slow server's)
    nohup nats-server -c "$conf" -P "$TMP/$name.pid" -l "$TMP/$name.log" \
      </dev/null >>"$TMP/$name.log" 2>&1 &
    pid=$!
  fi
  # ready: websocket port open and /healthz ok, within 100 x 0.1 s
  for _ in $(seq 1 100); do
    if port_open "$ws" && monitor "$name" healthz | grep -q '"ok"'; then return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$TMP/$name.log" >&2 || true
  die "server $name did not become ready"
}

stop() {
  local pid
  pid="$(pid_of "$1")" || { rm -f "$TMP/$1.pid"; return 0; }
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$TMP/$1.pid"
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
*)
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
