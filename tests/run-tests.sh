#!/bin/bash
# Run the project's own tests: every executable tests/*/test-*.sh.  Exit
# status 0 is a pass, 77 a skip (the test prints its reason), anything else
# a failure.  Writes BUILDDIR/results/own.counts ("passed failed skipped").
#
# Usage: run-tests.sh BUILDDIR [PATTERN]
set -uo pipefail
BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR [PATTERN]}")
PATTERN=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
export BUILD ROOT=$(dirname "$HERE")
mkdir -p "$BUILD/results/logs"

passed=0 failed=0 skipped=0
for t in "$HERE"/*/test-*.sh; do
    [ -x "$t" ] || continue
    name=$(basename "$(dirname "$t")")/$(basename "$t" .sh)
    case "$name" in *"$PATTERN"*) ;; *) continue ;; esac
    log=$BUILD/results/logs/${name//\//_}.log
    start=$(date +%s.%N)
    "$t" > "$log" 2>&1 < /dev/null
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    case $rc in
        0)  passed=$((passed + 1)); echo "PASS: $name (${secs}s)" ;;
        77) skipped=$((skipped + 1))
            echo "SKIP: $name: $(grep -m1 '^SKIP:' "$log" | sed 's/^SKIP: *//')" ;;
        *)  failed=$((failed + 1)); echo "FAIL: $name (exit $rc, ${secs}s; log: $log)"
            tail -n 20 "$log" | sed 's/^/    /' ;;
    esac
done
echo "$passed $failed $skipped" > "$BUILD/results/own.counts"
echo "own tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
