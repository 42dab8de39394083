#!/bin/bash
# Run libvirt's whole 'meson test' suite (syntax-check included: the work
# tree is a git repository), minus the tests named in tests/libvirt-skip.txt,
# each skipped by name with its reason printed.  Writes the counts to
# BUILDDIR/results/libvirt.counts ("passed failed skipped").
#
# Usage: meson-test.sh BUILDDIR [--quiet]
set -euo pipefail
BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR [--quiet]}")
QUIET=${2:-}
BD=$BUILD/libvirt-build${NV_FLAVOUR:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SKIPFILE=$ROOT/tests/libvirt-skip.txt
mkdir -p "$BUILD/results"

mapfile -t all < <(meson test -C "$BD" --list 2>/dev/null | grep " / ")
declare -A skip=()
if [ -f "$SKIPFILE" ]; then
    while IFS= read -r line; do
        case "$line" in ''|'#'*) continue ;; esac
        name=${line%%$'\t'*}
        reason=${line#*$'\t'}
        skip[$name]=$reason
    done < "$SKIPFILE"
fi

run=()
nskip=0
for t in "${all[@]}"; do
    # 'meson test --list' prints "project:suite / name"
    short=${t##* / }
    if [ -n "${skip[$short]+x}" ]; then
        echo "meson-test: SKIP $short: ${skip[$short]}"
        nskip=$((nskip + 1))
    else
        run+=("$short")
    fi
done

echo "meson-test: running ${#run[@]} libvirt tests (meson test, 2 jobs)"
rc=0
if [ -n "$QUIET" ]; then
    meson test -C "$BD" --num-processes "$(nproc)" "${run[@]}" > "$BUILD/results/meson-test.out" 2>&1 || rc=$?
    grep -E '^(Ok|Fail|Skipped|Timeout|Expected|Unexpected):' "$BUILD/results/meson-test.out" || true
    grep -E ' (FAIL|TIMEOUT) ' "$BUILD/results/meson-test.out" || true
else
    meson test -C "$BD" --num-processes "$(nproc)" --print-errorlogs "${run[@]}" 2>&1 |
        tee "$BUILD/results/meson-test.out" | grep -Ev '^ *[0-9]+/[0-9]+ .* OK ' || true
    rc=${PIPESTATUS[0]}
fi

python3 - "$BD/meson-logs/testlog.json" "$nskip" "$BUILD/results/libvirt.counts" <<'PY'
import json, sys
ok = fail = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        ok += 1
    elif r == "SKIP":
        skipped += 1
    else:
        fail += 1
skipped += int(sys.argv[2])
open(sys.argv[3], "w").write(f"{ok} {fail} {skipped}\n")
print(f"meson-test: libvirt: {ok} passed, {fail} failed, {skipped} skipped")
PY
exit $rc
