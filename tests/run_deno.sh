#!/usr/bin/env bash
# Runs the Deno integration tests (tests/integration/*_test.ts and
# tests/integration/*/*_test.ts) against real nats-servers and prints
# a plain `deno: N passed, N failed` line at the end; exits non-zero on any failure.
#
#   tests/run_deno.sh                      against our client, ../dist/mod.js (run `make build` first)
#   NATS_CLIENT=nats.ws tests/run_deno.sh  against the reference client nats.ws (validates the tests)
#   tests/run_deno.sh tests/integration/drain_test.ts
#                                          only some files (extra arguments go to `deno test`)
#   DENO_CHECK=1 tests/run_deno.sh         type-check too (scripts/lint.sh already runs deno check)
#
# Starts every server in tests/nats/*.conf with scripts/nats-server.sh, and the auth/wss servers of
# tests/auth/fixtures.sh (generated credentials), and stops them on exit.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
export NO_COLOR=1
mkdir -p .tmp

cleanup() {
  scripts/nats-server.sh stop-all >/dev/null 2>&1 || true
  tests/auth/fixtures.sh stop
}
trap cleanup EXIT
scripts/nats-server.sh start-all || {
  echo "deno: 0 passed, 1 failed"
  exit 1
}
# fresh keys, JWTs, creds and a test CA, and the servers that use them (tests/integration/auth_*_test.ts)
tests/auth/fixtures.sh start || {
  echo "deno: 0 passed, 1 failed"
  exit 1
}

args=(test -A)
if [ "${NATS_CLIENT:-}" = nats.ws ]; then
  # nats.ws's .d.ts files use extensionless imports that Deno does not resolve: run unchecked
  args+=(--no-check --import-map tests/helpers/natsws.importmap.json)
  echo "client under test: nats.ws ($(sed -n 's/.*"version": "\(.*\)".*/\1/p' .tools/node_modules/nats.ws/package.json))"
else
  [ -f dist/mod.js ] || {
    echo "dist/mod.js is missing: run make build (or NATS_CLIENT=nats.ws to test the reference client)"
    echo "deno: 0 passed, 1 failed"
    exit 1
  }
  [ "${DENO_CHECK:-0}" = 1 ] || args+=(--no-check)
  echo "client under test: dist/mod.js"
fi
if [ $# -gt 0 ]; then files=("$@"); else files=(tests/integration/*_test.ts tests/integration/*/*_test.ts); fi

# ends with `deno: N passed, N failed` (`, N skipped` when any test was ignored)
tests/tally.sh deno deno "${args[@]}" "${files[@]}"
