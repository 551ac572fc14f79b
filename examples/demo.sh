#!/usr/bin/env bash
# A short tour of nats-wasm in Deno: starts the local test nats-server (scripts/nats-server.sh),
# runs the publish/subscribe, request/reply (the time service in the background, requests from a
# second process, then admin.stop), queue-group, services and JetStream manager examples (the last one on a
# second server with JetStream, tests/nats/jetstream.conf), printing their output, and stops the
# servers on exit. Needs dist/ (make build); `make demo` does both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
export NATS_URL="${NATS_URL:-ws://127.0.0.1:14280}"
[ -f dist/mod.js ] || {
  echo "demo: dist/mod.js is missing, run make build first" >&2
  exit 1
}

service_pid=""
cleanup() {
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then kill "$service_pid" 2>/dev/null || true; fi
  scripts/nats-server.sh stop default >/dev/null || true
  scripts/nats-server.sh stop jetstream >/dev/null || true
}
trap cleanup EXIT
scripts/nats-server.sh start default

run() {
  printf '\n=== %s\n' "$*"
  deno run -A --no-check "$@"
}

run examples/02_publish_subscribe.ts
run examples/04_wildcards.ts

printf '\n=== examples/05_time_service.ts (in the background) + examples/06_making_requests.ts\n'
SERVICE_TTL_MS=15000 deno run -A --no-check examples/05_time_service.ts &
service_pid=$!
# wait (bounded) until the service answers
for _ in $(seq 1 50); do
  if deno run -A --no-check examples/06_making_requests.ts time 2>/dev/null | grep -q '^got response'; then break; fi
  sleep 0.1
done
run examples/06_making_requests.ts time
run examples/06_making_requests.ts admin.uptime
run examples/06_making_requests.ts admin.stop
wait "$service_pid" || true
service_pid=""

run examples/07_queue_groups.ts
run examples/09_no_responders.ts
run examples/23_services.ts
run examples/24_core_entry.ts

scripts/nats-server.sh start jetstream
NATS_URL=ws://127.0.0.1:14285 run examples/19_jetstream_manager.ts
NATS_URL=ws://127.0.0.1:14285 run examples/20_jetstream_consume.ts
NATS_URL=ws://127.0.0.1:14285 run examples/21_kv.ts
NATS_URL=ws://127.0.0.1:14285 run examples/22_objectstore.ts
printf '\ndemo: done\n'
