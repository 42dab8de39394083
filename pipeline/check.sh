#!/bin/bash
# make check: libvirt's meson test suite in the flavour's build and the
# project's own suites (tests/meson.build, Meson's runner: timeouts,
# logs).  Ends with the plain line "N passed, N failed, N skipped", added
# up from Meson's summaries, and exits non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/layout.sh"
SANDIR=$RESULTS/sanitizer
layout_report check "LIBVIRT_TESTS=$LIBVIRT_BUILD" "OWN_TESTS=$TOOLS_BUILD" \
    "PREFIX_USED=$PREFIX" "SANITIZER_REPORTS=$SANDIR"
mkdir -p "$RESULTS"

# SANITIZE=1: the instrumented daemons and virsh that our tests start write
# their sanitizer reports into one directory, libvirt's tests into Meson's
# test log; any report is a failure.
multiplier=1
libvirt_env=()
# end-to-end tests at a time (each with its own daemons and guests)
OWN_JOBS=${OWN_JOBS:-4}
if [ "$FLAVOUR" = sanitize ]; then
    rm -rf "$SANDIR"
    mkdir -p "$SANDIR"
    # verify_asan_link_order=0: libvirt's tests put their mock libraries in
    # LD_PRELOAD ahead of GCC's ASan runtime, and the daemons the fork
    # guard; both are fine
    export ASAN_OPTIONS="log_path=$SANDIR/asan:verify_asan_link_order=0:detect_leaks=1"
    export UBSAN_OPTIONS="log_path=$SANDIR/ubsan:print_stacktrace=1:halt_on_error=1"
    # libvirt's own tests report on stderr instead, into Meson's test log,
    # which is read below.  With log_path, the runtime creates the report
    # directory while it initialises, and a test's mock of mkdir(), preloaded
    # ahead of the runtime, takes that call before anything is set up:
    # vircgrouptest of libvirt 11.3.0 dies there (SIGSEGV)
    libvirt_env=(ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1"
                 UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    multiplier=2
    echo "check: sanitizers: ASan (with LeakSanitizer) and UBSan; reports go to $SANDIR"
fi

# summary FILE: "passed failed skipped" from Meson's summary in FILE
summary() {
    awk '/^Ok:/ { p += $2 } /^Expected Fail:/ { p += $3 }
         /^Fail:/ || /^Timeout:/ { f += $2 } /^Unexpected Pass:/ { f += $3 }
         /^Skipped:/ { s += $2 } END { print p + 0, f + 0, s + 0 }' "$1"
}

# libvirt's suite is CPU-bound; the project's e2e, faults and corpus tests
# mostly wait for guests and daemons, each test with daemons of its own
# (harness/instance.sh), several at a time; the pipeline suite touches
# neither daemons nor KVM.  So all of them run at once, libvirt's suite and
# the pipeline suite at the lowest CPU and I/O priority: the end-to-end
# tests, whose waits have time limits, go first, and libvirt's tests take
# the CPU they leave idle.
low() { ionice -c3 nice -n 19 "$@"; }
echo "check: libvirt's test suite and the pipeline suite start in the background (output at the end)"
low env "${libvirt_env[@]}" "$ROOT/pipeline/libvirt-tests.sh" > "$RESULTS/check-libvirt.out" 2>&1 &
libvirt=$!
low meson test -C "$TOOLS_BUILD" --suite pipeline --logbase pipeline \
    --timeout-multiplier "$multiplier" --print-errorlogs > "$RESULTS/check-pipeline.out" 2>&1 &
pipeline=$!
echo "check: the project's end-to-end suites ($OWN_JOBS at a time)"
meson test -C "$TOOLS_BUILD" --no-suite pipeline --no-suite deb --logbase own --num-processes "$OWN_JOBS" \
    --timeout-multiplier "$multiplier" --print-errorlogs 2>&1 | tee "$RESULTS/check-own.out"
# the packages of 'make deb' in a clean root (skipped without them): alone,
# its guests and daemons next to nobody else's
echo "check: the Debian packages (make check-deb; skipped unless 'make deb' built them)"
meson test -C "$TOOLS_BUILD" --suite deb --logbase deb --timeout-multiplier "$multiplier" \
    --print-errorlogs --verbose 2>&1 | tee "$RESULTS/check-deb.out"
echo "check: the pipeline suite"
wait "$pipeline"
cat "$RESULTS/check-pipeline.out"
echo "check: libvirt's test suite"
wait "$libvirt"
cat "$RESULTS/check-libvirt.out"
# what tests killed by their timeout may have left behind
(. "$ROOT/harness/lib.sh"; . "$HARNESS/daemons.sh"; h_sweep_instances)

passed=0 failed=0 skipped=0
for out in check-libvirt check-own check-deb check-pipeline; do
    if ! grep -q '^Ok:' "$RESULTS/$out.out"; then
        echo "check: error: ${out#check-}: Meson's runner printed no summary (output: $RESULTS/$out.out)" >&2
        failed=$((failed + 1))
        continue
    fi
    read -r p f s < <(summary "$RESULTS/$out.out")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done
# the libvirt tests skipped by name (tests/libvirt-skip.txt)
skipped=$((skipped + $(grep -c '^libvirt-tests: SKIP ' "$RESULTS/check-libvirt.out" || true)))

if [ "$FLAVOUR" = sanitize ]; then
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
    # libvirt's tests: a report fails its test (ASan and UBSan stop the
    # process, LeakSanitizer sets its exit code), and a report of a child
    # whose exit code the test ignores is still in the test log
    libreps=$(grep -E '^==[0-9]+==ERROR: |: runtime error: ' "$LIBVIRT_BUILD/meson-logs/testlog.txt" || true)
    if [ -n "$libreps" ]; then
        echo "check: sanitizer reports in libvirt's test log ($LIBVIRT_BUILD/meson-logs/testlog.txt):"
        echo "$libreps" | head -n 20 | sed 's/^/    /'
        nrep=$((nrep + $(echo "$libreps" | wc -l)))
    fi
    echo "check: sanitizers: $nrep report(s); $nknown process(es) with only the known clone() stack warning"
    failed=$((failed + nrep))
fi
# the failed tests by name, at the end, where a short excerpt of the
# output (CI's) still shows them; each test's own output is in the logs
bad=$(cat "$RESULTS"/check-{libvirt,own,deb,pipeline}.out 2>/dev/null |
      grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS) ' |
      sed -E 's/^ *[0-9]+\/[0-9]+ //; s/ +/ /g' | sort -u || true)
[ -z "$bad" ] || { echo "check: failed:"; echo "$bad" | sed 's/^/  /'; }
echo "check: logs: $LIBVIRT_BUILD/meson-logs/testlog.txt, $TOOLS_BUILD/meson-logs/{own,deb,pipeline}.txt"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
