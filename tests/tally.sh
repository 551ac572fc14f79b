#!/usr/bin/env bash
# Runs one test command and ends its output with the one plain line that scripts/test-all.sh
# reads: `NAME: N passed, N failed`, plus `, N skipped` when the runner ignored any test. Reads
# the closing lines of cargo test / wasm-bindgen-test (`test result: ... N passed; N failed;
# N ignored`, summed over every test binary) and of deno test (`ok | N passed | N failed |
# N ignored`). A non-zero exit with no failed test counted is one failure (the run broke before
# or after its tests); so is a run that printed no closing line at all.
# Must not: judge how many tests are enough (test-all.sh holds the minimums), or hide the
# command's own output.
#   tests/tally.sh NAME command [args...]      e.g. tests/tally.sh engine cargo test --lib
set -uo pipefail
name="$1"
shift
mkdir -p .tmp
log=".tmp/tally-${name//[^A-Za-z0-9_-]/_}.log"

"$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

read -r passed failed skipped runs < <(
  awk '
    # colour codes (a runner not told NO_COLOR) would hide the closing lines
    { gsub(/\033\[[0-9;]*m/, "") }
    # cargo test and wasm-bindgen-test, one line per test binary
    /^test result: / {
      runs++
      for (i = 1; i <= NF; i++) {
        gsub(/[;.]/, "", $(i + 1))
        if ($(i + 1) == "passed") p += $i
        if ($(i + 1) == "failed") f += $i
        if ($(i + 1) == "ignored") s += $i
      }
    }
    # deno test: `ok | 12 passed (3 steps) | 0 failed | 1 ignored (1s)`; steps are not tests
    /^(ok|FAILED) \| [0-9]+ passed/ {
      runs++
      n = split($0, cols, /\|/)
      for (i = 2; i <= n; i++) {
        split(cols[i], w, " ")
        if (w[2] == "passed") p += w[1]
        if (w[2] == "failed") f += w[1]
        if (w[2] == "ignored") s += w[1]
      }
    }
    END { print p + 0, f + 0, s + 0, runs + 0 }
  ' "$log"
)
if [ "$runs" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; }; then failed=$((failed + 1)); fi
line="$name: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line+=", $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
