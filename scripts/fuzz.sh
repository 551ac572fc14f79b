#!/usr/bin/env bash
# First replays every saved input (fuzz/regressions/, fuzz/seeds/, and local crashes in
# fuzz/artifacts/) through each target's check as ordinary tests (fuzz/src/replay.rs, which also
# proves that a crashing input is caught), then runs every cargo-fuzz target of fuzz/ for
# FUZZ_SECONDS seconds each (default 30) and reports, per target, how many inputs were executed
# and whether a crash was found. Ends with `fuzz: N passed, N failed` (each replay test and each
# target run is one test). Exits non-zero when a replay fails; when any target crashed, failed to
# build or run, or executed nothing; and when there is no target at all, so CI can gate on it.
#
# Only the stable toolchain exists on our machines and nightly cannot be fetched; cargo-fuzz needs
# nightly flags (-Zsanitizer), so RUSTC_BOOTSTRAP=1 unlocks them on stable. It must not be used
# for anything but this fuzz build (the replay does not need it).
set -uo pipefail

cd "$(dirname "$0")/.."

FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
mkdir -p .tmp
passed=0
failed=0

# The replay: a plain debug build and test of the fuzz crate's library (no sanitizer, no
# libFuzzer); its closing line `fuzz-replay: N passed, N failed` is added into ours.
tests/tally.sh fuzz-replay cargo test --quiet --manifest-path fuzz/Cargo.toml --lib >.tmp/fuzz-replay.log 2>&1
cat .tmp/fuzz-replay.log
read -r rp rf < <(sed -nE 's/^fuzz-replay: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' .tmp/fuzz-replay.log | tail -n 1)
passed=$((passed + ${rp:-0})) failed=$((failed + ${rf:-1}))

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked || cargo install cargo-fuzz || {
        echo "fuzz.sh: could not install cargo-fuzz" >&2
        echo "fuzz: $passed passed, $((failed + 1)) failed"
        exit 2
    }
fi

targets=$(cargo fuzz list --fuzz-dir fuzz) || targets=""
if [ -z "$targets" ]; then
    # a fuzz run over no target would prove nothing
    echo "fuzz.sh: cargo fuzz list found no target" >&2
    echo "fuzz: $passed passed, $((failed + 1)) failed"
    exit 1
fi
# Under fuzz/target so the logs stay out of git, like the build they come from.
log_dir="fuzz/target/fuzz-logs"
mkdir -p "$log_dir"

for target in $targets; do
    log="$log_dir/$target.log"
    mkdir -p "fuzz/corpus/$target"
    echo "fuzz.sh: $target for ${FUZZ_SECONDS}s (log: $log)" >&2
    # -max_total_time bounds the run; a crash stops it earlier with a non-zero status.
    # fuzz/seeds/<target> (committed, read only) holds valid inputs that random bytes would
    # practically never hit (a seed with a correct CRC, a whole creds file) to start from.
    seeds=()
    [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
    cargo fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" "${seeds[@]}" -- \
        -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 >"$log" 2>&1
    status=$?
    # libFuzzer's final stats line, or its "Done N runs" summary when stats are missing.
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    if [ -z "$runs" ]; then
        runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
    fi
    crash=no
    if grep -qE '^==[0-9]+==|panicked at|SUMMARY: (libFuzzer|AddressSanitizer)|Test unit written to' "$log"; then
        crash=yes
    fi
    if [ "$status" -ne 0 ] || [ "$crash" = yes ] || [ "${runs:-0}" -eq 0 ]; then
        if [ "$crash" = no ]; then
            crash="no crash found, but the run failed (status $status, ${runs:-no} executions)"
        fi
        tail -n 30 "$log" >&2
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
    echo "$target: executions=${runs:-unknown} crash=$crash"
done
# A crash input libFuzzer saved (fuzz/artifacts/<target>/) is replayed by the next run's replay
# tests until the bug is fixed; commit a copy under fuzz/regressions/<target>/ with the fix.
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
