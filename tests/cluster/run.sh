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
LOG=.tmp/deno-cluster.log

cleanup() { tests/cluster/servers.sh stop all >/dev/null 2>&1 || true; }
trap cleanup EXIT
[ -f dist/mod.js ] || {
  echo "dist/mod.js is missing: run make build"
  echo "cluster: 0 passed, 1 failed"
  exit 1
}
if ! { tests/cluster/servers.sh start cluster && tests/cluster/servers.sh wait-cluster; }; then
  echo "cluster: 0 passed, 1 failed"
  exit 1
fi
if [ $# -gt 0 ]; then files=("$@"); else files=(tests/cluster/*_test.ts); fi
deno test -A --no-check "${files[@]}" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}

summary="$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$LOG" | tail -n 1)"
passed="$(sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p' <<<"$summary")"
failed="$(sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p' <<<"$summary")"
passed="${passed:-0}" failed="${failed:-0}"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "cluster: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
