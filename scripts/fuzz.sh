#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for FUZZ_SECONDS seconds each (default 30) and reports,
# per target, how many inputs were executed and whether a crash was found. Exits non-zero when
# any target crashed (or failed to build or run), so CI can gate on it.
#
# Only the stable toolchain exists on our machines and nightly cannot be fetched; cargo-fuzz needs
# nightly flags (-Zsanitizer), so RUSTC_BOOTSTRAP=1 unlocks them on stable. It must not be used
# for anything but this fuzz build.
set -uo pipefail

cd "$(dirname "$0")/.."

FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked || cargo install cargo-fuzz || {
        echo "fuzz.sh: could not install cargo-fuzz" >&2
        exit 2
    }
fi

targets=$(cargo fuzz list --fuzz-dir fuzz) || exit 2
# Under fuzz/target so the logs stay out of git, like the build they come from.
log_dir="fuzz/target/fuzz-logs"
mkdir -p "$log_dir"
failed=0
targets_passed=0
targets_failed=0

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
    if [ "$status" -ne 0 ] || [ "$crash" = yes ]; then
        failed=1
        [ "$crash" = no ] && crash="no crash found, but the run failed (status $status)"
        tail -n 30 "$log" >&2
        targets_failed=$((targets_failed + 1))
    else
        targets_passed=$((targets_passed + 1))
    fi
    echo "$target: executions=${runs:-unknown} crash=$crash"
done
# One test per target, in the plain form scripts/test-all.sh totals.
echo "fuzz: $targets_passed passed, $targets_failed failed"

exit "$failed"
