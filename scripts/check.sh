#!/bin/bash
# 'make check': libvirt's meson test suite on the built work tree, then the
# project's own tests.  Ends with the plain line "N passed, N failed" and
# exits non-zero on any failure.
#
# Usage: check.sh BUILDDIR
set -uo pipefail
BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$BUILD/results"
rm -f "$BUILD"/results/*.counts

echo "check: [1/2] libvirt's test suite"
"$ROOT/scripts/meson-test.sh" "$BUILD"

echo "check: [2/2] the project's own tests"
"$ROOT/tests/run-tests.sh" "$BUILD"

passed=0 failed=0 skipped=0
for f in "$BUILD"/results/*.counts; do
    [ -f "$f" ] || continue
    read -r p fl s < "$f"
    passed=$((passed + p)); failed=$((failed + fl)); skipped=$((skipped + s))
done
for suite in libvirt own; do
    if [ ! -f "$BUILD/results/$suite.counts" ]; then
        echo "check: error: the $suite suite reported no result" >&2
        failed=$((failed + 1))
    fi
done
echo "check: skipped $skipped (libvirt tests that skip themselves are listed by meson above; ours with their reason)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
