#!/bin/bash
# Run the project's own tests: every executable tests/*/test-*.sh.  Exit
# status 0 is a pass, 77 a skip (the test prints its reason), anything else
# a failure.  Writes BUILDDIR/results/own.counts ("passed failed skipped").
#
# Tests under tests/pipeline/ touch neither the private daemons nor KVM, so
# they run in the background while the others (which share one private
# virtqemud) run one after the other.
#
# Usage: run-tests.sh BUILDDIR [PATTERN]
set -uo pipefail
BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR [PATTERN]}")
PATTERN=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
export BUILD ROOT=$(dirname "$HERE")
RES=$BUILD/results
mkdir -p "$RES/logs"
rm -f "$RES"/logs/*.rc

# run_one TEST [NICE]: run it, leave its exit status and duration in
# logs/NAME.rc
run_one() {
    local t=$1 nice=${2:-0} name log start rc
    name=$(basename "$(dirname "$t")")/$(basename "$t" .sh)
    log=$RES/logs/${name//\//_}.log
    start=$(date +%s.%N)
    if [ "$nice" -gt 0 ]; then
        ionice -c3 nice -n "$nice" "$t" > "$log" 2>&1 < /dev/null
    else
        "$t" > "$log" 2>&1 < /dev/null
    fi
    rc=$?
    echo "$rc $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" \
        > "$RES/logs/${name//\//_}.rc"
}

# report TEST: print its line, count it
passed=0 failed=0 skipped=0
report() {
    local t=$1 name log rc secs
    name=$(basename "$(dirname "$t")")/$(basename "$t" .sh)
    log=$RES/logs/${name//\//_}.log
    read -r rc secs < "$RES/logs/${name//\//_}.rc"
    case $rc in
        0)  passed=$((passed + 1)); echo "PASS: $name (${secs}s)" ;;
        77) skipped=$((skipped + 1))
            echo "SKIP: $name: $(grep -m1 '^SKIP:' "$log" | sed 's/^SKIP: *//')" ;;
        *)  failed=$((failed + 1)); echo "FAIL: $name (exit $rc, ${secs}s; log: $log)"
            tail -n 20 "$log" | sed 's/^/    /' ;;
    esac
}

background=() sequential=()
for t in "$HERE"/*/test-*.sh; do
    [ -x "$t" ] || continue
    name=$(basename "$(dirname "$t")")/$(basename "$t" .sh)
    case "$name" in *"$PATTERN"*) ;; *) continue ;; esac
    case "$name" in
        pipeline/*) background+=("$t") ;;
        *) sequential+=("$t") ;;
    esac
done

pids=()
# at the lowest priority: the tests in the foreground mostly wait for
# guests and daemons, and their timeouts must not suffer from these
for t in "${background[@]}"; do
    run_one "$t" 19 &
    pids+=($!)
done
for t in "${sequential[@]}"; do
    run_one "$t"
    report "$t"
done
for p in "${pids[@]}"; do
    wait "$p"
done
for t in "${background[@]}"; do
    report "$t"
done

echo "$passed $failed $skipped" > "$RES/own.counts"
echo "own tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
