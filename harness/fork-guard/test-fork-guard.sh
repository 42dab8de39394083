#!/bin/bash
# The fork guard against the deadlock it exists for: fork-stress (ASan)
# forks while its threads allocate, with libfork-guard.so preloaded ahead
# of libasan; a child hung on an inherited allocator lock fails the test.
# Without the guard 1 to 3% of these children hang (more under load), so
# 400 forks (3 s on 2 idle cores, more when loaded) would see 4 to 12, and
# see none with a chance of about 1 in 400.  A child counts as hung after
# 30 s, not sooner: under load a child has taken over 2 s and finished
# (the old bound counted 2 of 400 as hung in a CI run beside a QEMU build).
#
# Usage: test-fork-guard.sh LIBFORK-GUARD.SO FORK-STRESS
set -u
lib=$(realpath -- "$1") stress=$2
forks=${FORK_GUARD_FORKS:-400}
threads=${FORK_GUARD_THREADS:-4}
export ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -f "$lib" ] || fail "$1 is missing"
[ -x "$stress" ] || skip "fork-stress was not built: the C compiler cannot link -fsanitize=address"
if ldd "$stress" | grep -q 'libasan.*not found'; then
    skip "libasan (GCC's AddressSanitizer runtime) is missing"
fi
if LD_PRELOAD=$lib /bin/true 2>&1 | grep -q 'cannot be preloaded'; then
    fail "$lib cannot be preloaded"
fi

echo "fork-stress $forks forks, $threads threads, LD_PRELOAD=$lib"
start=$SECONDS
out=$(LD_PRELOAD=$lib "$stress" "$forks" "$threads")
rc=$?
echo "${out:-no output} ($((SECONDS - start)) s)"
[ "$rc,$out" = "0,forks $forks hung 0" ] || fail "fork-stress exited $rc"
echo "PASS: no child hung"
