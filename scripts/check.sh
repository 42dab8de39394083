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

# SANITIZE=1 (NV_FLAVOUR=-sanitize): every instrumented process, libvirt's
# tests as well as the daemons and virsh that our tests start, writes its
# sanitizer reports into one directory; any report is a failure.
SANDIR=$BUILD/results/sanitizer
if [ "${NV_FLAVOUR:-}" = -sanitize ]; then
    rm -rf "$SANDIR"
    mkdir -p "$SANDIR"
    # verify_asan_link_order=0: libvirt's tests put their mock libraries in
    # LD_PRELOAD ahead of GCC's ASan runtime, which is fine for them
    export ASAN_OPTIONS="log_path=$SANDIR/asan:verify_asan_link_order=0:detect_leaks=1"
    export UBSAN_OPTIONS="log_path=$SANDIR/ubsan:print_stacktrace=1:halt_on_error=1"
    echo "check: sanitizers: ASan (with LeakSanitizer) and UBSan; reports go to $SANDIR"
fi

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
if [ "${NV_FLAVOUR:-}" = -sanitize ]; then
    # One warning is known and harmless: virProcessNamespaceAvailable()
    # (every virtqemud start) clone()s a child onto a heap-allocated stack
    # and that child's _exit() makes ASan say it ignores
    # __asan_handle_no_return (google/sanitizers#189).  A file with nothing
    # else is counted apart; anything else in any file is a failure.
    nrep=0 nknown=0
    for f in "$SANDIR"/*; do
        [ -f "$f" ] || continue
        if ! grep -qvE 'ASan is ignoring requested __asan_handle_no_return|^False positive error reports may follow$|^For details see https://github.com/google/sanitizers/issues/189$' "$f"; then
            nknown=$((nknown + 1))
            continue
        fi
        nrep=$((nrep + 1))
        echo "check: sanitizer report $f:"
        sed -n '1,40p' "$f" | sed 's/^/    /'
    done
    echo "check: sanitizers: $nrep report(s); $nknown process(es) with only the known clone() stack warning"
    failed=$((failed + nrep))
fi
echo "check: skipped $skipped (libvirt tests that skip themselves are listed by meson above; ours with their reason)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
