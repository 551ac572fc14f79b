#!/usr/bin/env bash
# Runs every test suite (after `make build`), keeps going past a failing suite, and ends with one
# plain `N passed, N failed` line totalling all of them. Exit status is non-zero on any failure.
# Suites: lint, engine (cargo test), Deno unit, Deno integration (real nats-server), Rust API in
# headless Chromium (wasm-bindgen-test), the built package in a real page, the wake-up check in
# a page, a three-node cluster with faults injected (tests/cluster/: failover, slow consumers, a
# bounded soak), the packed npm package used from Deno, and bounded fuzzing.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/.tools/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver   # never let the runner pick another browser driver
export NO_COLOR=1
mkdir -p .tmp
total_passed=0 total_failed=0
summary=()

# Counts tests in a suite's log: cargo/wasm-bindgen lines, Deno's `| N passed | N failed` line,
# or a plain `N passed, N failed` line. A suite that exits non-zero without any failed test
# counted is one failure (it broke before or after its tests).
count() {
  local log="$1" rc="$2" name="$3" p=0 f=0
  read -r p f < <(python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
p = f = 0
cargo = re.findall(r"test result: \w+\. (\d+) passed; (\d+) failed", text)
deno = re.findall(r"^(?:ok|FAILED) \| (\d+) passed(?: \([^)]*\))? \| (\d+) failed", text, re.M)
plain = re.findall(r"^(?:\S+: )?(\d+) passed, (\d+) failed", text, re.M)
for rows in (cargo, deno, plain):
    if rows:
        p = sum(int(a) for a, _ in rows); f = sum(int(b) for _, b in rows)
        break
print(p, f)
PY
  )
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
  summary+=("$(printf '%-28s %5d passed %5d failed' "$name" "$p" "$f")")
}

suite() {
  local name="$1"; shift
  local log=".tmp/suite-${name// /_}.log"
  echo "=== $name"
  "$@" 2>&1 | tee "$log"
  count "$log" "${PIPESTATUS[0]}" "$name"
}

browser_rust() {
  scripts/nats-server.sh start default || return 1
  cargo test --target wasm32-unknown-unknown --test browser_rust
}

suite "lint" scripts/lint.sh
suite "engine (cargo test)" cargo test --quiet --lib
suite "deno unit" deno test -A --quiet tests/unit/
suite "deno integration" tests/run_deno.sh
suite "rust api in chromium" browser_rust
suite "package in chromium page" tests/browser/run.sh
suite "browser wake-up check" node tests/browser/wake.mjs
suite "cluster and faults" tests/cluster/run.sh
suite "npm package" tests/package/check.sh
suite "fuzz (bounded)" env FUZZ_SECONDS="${FUZZ_SECONDS:-20}" scripts/fuzz.sh
scripts/nats-server.sh stop default >/dev/null 2>&1 || true

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
