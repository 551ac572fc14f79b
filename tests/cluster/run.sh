#!/usr/bin/env bash
# The cluster suite: a three-node nats-server cluster (tests/cluster/n*.conf) and lone servers
# with special limits, started and faulted through tests/cluster/servers.sh; Deno tests
# tests/cluster/*_test.ts against dist/mod.js. Prints `cluster: N passed, N failed`; exits
# non-zero on any failure. Every server is stopped on exit.
#   tests/cluster/run.sh                          every file
#   tests/cluster/run.sh tests/cluster/soak_test.ts
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
export NO_COLOR=1
mkdir -p .tmp

cleanup() { tests/cluster/servers.sh stop all >/dev/null 2>&1 || true; }
trap cleanup EXIT
[ -f dist/mod.js ] || {
  echo "dist/mod.js is missing: run make build"
  echo "cluster: 0 passed, 1 failed"
  exit 1
}
# servers and JetStream stores a killed earlier run left behind: every run starts fresh
tests/cluster/servers.sh stop all >/dev/null 2>&1 || true
if ! { tests/cluster/servers.sh start cluster && tests/cluster/servers.sh wait-cluster; }; then
  echo "cluster: 0 passed, 1 failed"
  exit 1
fi
if [ $# -gt 0 ]; then files=("$@"); else files=(tests/cluster/*_test.ts); fi
# ends with `cluster: N passed, N failed` (`, N skipped` when any test was ignored)
tests/tally.sh cluster deno test -A --no-check "${files[@]}"
