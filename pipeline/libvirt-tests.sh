#!/bin/bash
# Run libvirt's whole 'meson test' suite (syntax-check included: the work
# tree is a git repository) in the flavour's build, minus the tests named
# in tests/libvirt-skip.txt, each skipped by name with its reason printed.
# Meson's summary ("Ok:", "Fail:", ...) ends the output.
#
# Usage: libvirt-tests.sh [--quiet]
set -euo pipefail
. "$(dirname "$0")/layout.sh"
QUIET=${1:-}
SKIPFILE=$ROOT/tests/libvirt-skip.txt
layout_report libvirt-tests "TEST_DIR=$LIBVIRT_BUILD"

mapfile -t all < <(meson test -C "$LIBVIRT_BUILD" --list 2>/dev/null | grep " / ")
declare -A skip=()
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    skip[${line%%$'\t'*}]=${line#*$'\t'}
done < "$SKIPFILE"

run=()
for t in "${all[@]}"; do
    # 'meson test --list' prints "project:suite / name"
    short=${t##* / }
    if [ -n "${skip[$short]+x}" ]; then
        echo "libvirt-tests: SKIP $short: ${skip[$short]}"
    else
        run+=("$short")
    fi
done

echo "libvirt-tests: running ${#run[@]} libvirt tests in $LIBVIRT_BUILD (meson test, $(nproc) jobs)"
if [ -n "$QUIET" ]; then
    mkdir -p "$RESULTS"
    rc=0
    meson test -C "$LIBVIRT_BUILD" --num-processes "$(nproc)" "${run[@]}" \
        > "$RESULTS/libvirt-tests.out" 2>&1 || rc=$?
    grep -E ' (FAIL|TIMEOUT) |^(Ok|Fail|Skipped|Timeout|Expected Fail|Unexpected Pass): ' \
        "$RESULTS/libvirt-tests.out" || true
    exit $rc
fi
# the tests that passed make no line; failures print their log
meson test -C "$LIBVIRT_BUILD" --num-processes "$(nproc)" --print-errorlogs "${run[@]}" 2>&1 |
    grep -Ev '^ *[0-9]+/[0-9]+ .* OK '
exit "${PIPESTATUS[0]}"
