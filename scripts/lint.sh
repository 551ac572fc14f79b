#!/usr/bin/env bash
# Formatting, lints and type checks for Rust and TypeScript; prints `lint: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/.tools/node_modules/.bin:$PATH"
passed=0 failed=0
check() {
  local name="$1"; shift
  if "$@" >.tmp/lint-step.log 2>&1; then
    passed=$((passed + 1)); echo "lint ok: $name"
  else
    failed=$((failed + 1)); echo "lint FAILED: $name"; tail -40 .tmp/lint-step.log
  fi
}
mkdir -p .tmp
check "cargo fmt" cargo fmt --all -- --check
check "cargo clippy (native)" cargo clippy --quiet --all-targets -- -D warnings
check "cargo clippy (wasm32)" cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings
# the cargo features: the Rust API's JetStream (off in the JS package's wasm) and the package's allocator
check "cargo clippy (wasm32, jetstream + talc)" cargo clippy --quiet --target wasm32-unknown-unknown --features jetstream,talc --all-targets -- -D warnings
# the core-only package's wasm: no JetStream engine (scripts/build.sh)
check "cargo clippy (wasm32, core: no default features + talc)" cargo clippy --quiet --target wasm32-unknown-unknown --no-default-features --features talc -- -D warnings
# the fuzz crate is a workspace of its own: neither step above sees it
check "fuzz crate fmt + clippy" sh -c 'cargo fmt --manifest-path fuzz/Cargo.toml --all -- --check &&
  cargo clippy --quiet --manifest-path fuzz/Cargo.toml --lib --tests -- -D warnings'
check "deno fmt" deno fmt --check
check "deno lint" deno lint
check "deno check" deno check js/mod.ts js/core.ts tests/ examples/ bench/
echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
