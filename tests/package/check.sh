#!/usr/bin/env bash
# Packs dist/ with `npm pack`, unpacks the tarball elsewhere and uses it from Deno by file path
# (type-checked against the shipped declarations, then run against the default test server):
# proves the npm package is complete on its own. Prints `package: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
work=.tmp/package
rm -rf "$work" && mkdir -p "$work"
passed=0 failed=0
step() {
  local name="$1"; shift
  if "$@" >"$work/step.log" 2>&1; then
    passed=$((passed + 1)); echo "package ok: $name"
  else
    failed=$((failed + 1)); echo "package FAILED: $name"; tail -20 "$work/step.log"
  fi
}
step "npm pack" bash -c "cd dist && npm pack --silent --pack-destination ../$work >/dev/null"
step "unpack" tar -xzf "$work"/nats-wasm-*.tgz -C "$work"
cp tests/package/smoke.ts "$work/package/smoke.ts"
step "deno check against the shipped .d.ts" deno check "$work/package/smoke.ts"
step "publish, subscribe and request through the unpacked package" \
  bash -c "scripts/nats-server.sh start default >/dev/null && deno run -A $work/package/smoke.ts"
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
