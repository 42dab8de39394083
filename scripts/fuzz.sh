#!/bin/bash
# make fuzz: build the libFuzzer targets with clang, ASan and UBSan, and run
# each for a bounded number of executions (FUZZ_RUNS, default 10 million)
# or time (FUZZ_SECONDS a target, default 600 for the log target, 4 hours
# for the XML one).  Not part of 'make check'.
#
#   fuzz-notify-log  QEMU log tail -> qemuNotifyVmexitLogIsFatal()
#   qemuxmlfuzz      domain XML -> parse + validate, format + parse again,
#                    QEMU command line (libvirt's tests/qemuxmlfuzz.c, from
#                    a clang build of the work tree with -Dfuzz=enabled)
#
# FUZZ_TARGETS narrows the list ("fuzz-notify-log qemuxmlfuzz"); FUZZ_JOBS
# (default: the number of CPUs) runs the XML target in that many processes
# sharing one corpus, their executions added up.
#
# Usage: fuzz.sh BUILDDIR
set -euo pipefail
BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${FUZZ_RUNS:-10000000}
TARGETS=${FUZZ_TARGETS:-fuzz-notify-log qemuxmlfuzz}
JOBS=${FUZZ_JOBS:-$(nproc)}
OUT=$BUILD/fuzz
WT=$BUILD/libvirt
BD=$BUILD/libvirt-build
FBD=$BUILD/libvirt-build-fuzz
LIBDIR=$BUILD/prefix/lib/x86_64-linux-gnu

command -v clang > /dev/null || { echo "fuzz: error: clang is missing: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
[ -f "$LIBDIR/libvirt.so" ] || { echo "fuzz: error: no libvirt in $BUILD/prefix: run 'make'" >&2; exit 1; }
mkdir -p "$OUT"

# ASan's and UBSan's findings stop the target and leave the input behind
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

total_findings=0

# summary NAME LOG...: executions (added up over the logs) and findings
summary() {
    local name=$1 execs findings
    shift
    # -print_final_stats: the count is printed also when a finding stops
    # the process (which prints no "Done N runs" then)
    execs=$(cat "$@" | { grep -o 'stat::number_of_executed_units: [0-9]*' || true; } |
        awk '{ n += $2 } END { print n + 0 }')
    findings=$(find "$OUT/findings-$name" -type f | wc -l)
    total_findings=$((total_findings + findings))
    echo "fuzz: $name: $execs executions, $findings findings (logs: $*)"
    if [ "$findings" -gt 0 ]; then
        find "$OUT/findings-$name" -type f | sed 's/^/fuzz:   finding: /'
    fi
}

build_notify_log() {
    echo "fuzz: building fuzz-notify-log (clang, ASan, UBSan, libFuzzer)"
    # the decision function is compiled from the patched tree, instrumented;
    # the libvirt helpers it calls come from the private install
    clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -DIN_LIBVIRT \
        -I "$BD" -I "$WT" -I "$WT/src" -I "$BD/src" -I "$WT/src/util" -I "$BD/src/util" \
        -I "$WT/include" -I "$BD/include" -I "$WT/src/conf" -I "$BD/src/conf" \
        $(pkg-config --cflags glib-2.0 libxml-2.0) \
        "$ROOT/tools/fuzz/fuzz-notify-log.c" "$WT/src/qemu/qemu_notify_vmexit.c" \
        -L "$LIBDIR" -Wl,-rpath,"$LIBDIR" -lvirt $(pkg-config --libs glib-2.0) \
        -o "$OUT/fuzz-notify-log"
}

run_notify_log() {
    local secs=${FUZZ_SECONDS:-600}
    echo "fuzz: running fuzz-notify-log: $RUNS executions or $secs s"
    rm -rf "$OUT/corpus-notify-log" "$OUT/findings-notify-log"
    mkdir -p "$OUT/corpus-notify-log" "$OUT/findings-notify-log"
    cp "$ROOT"/tools/fuzz/seeds-notify-log/* "$OUT/corpus-notify-log/"
    "$OUT/fuzz-notify-log" -runs="$RUNS" -max_total_time="$secs" \
        -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$OUT/findings-notify-log/" \
        "$OUT/corpus-notify-log" > "$OUT/fuzz-notify-log.log" 2>&1 || true
    summary notify-log "$OUT/fuzz-notify-log.log"
}

# A clang build of the work tree next to the normal one; only the target,
# the libraries it links and the mocks it preloads are built.
build_xml() {
    NV_FLAVOUR=-fuzz "$ROOT/scripts/configure.sh" "$BUILD"
    echo "fuzz: building qemuxmlfuzz in $FBD (log: $BUILD/ninja-fuzz.log)"
    ninja -C "$FBD" tests/qemuxmlfuzz tests/libqemuxml2argvmock.so \
        tests/libdomaincapsmock.so tests/libvirrandommock.so \
        tests/libqemucpumock.so > "$BUILD/ninja-fuzz.log" 2>&1 || {
            grep -E -B2 -A12 'error|FAILED' "$BUILD/ninja-fuzz.log" | head -n 40 >&2
            echo "fuzz: error: qemuxmlfuzz did not build (log: $BUILD/ninja-fuzz.log)" >&2
            exit 1; }
}

# Seeds: the series' own qemuxml2argv inputs for both new features and a
# few ordinary definitions around them (hyperv, kvm features, machines).
run_xml() {
    local secs=${FUZZ_SECONDS:-14400} per=$(( (RUNS + JOBS - 1) / JOBS )) j logs=()
    echo "fuzz: running qemuxmlfuzz: $RUNS executions ($JOBS processes x $per) or $secs s"
    rm -rf "$OUT/corpus-xml" "$OUT/findings-xml" "$OUT"/qemuxmlfuzz.*.log
    mkdir -p "$OUT/corpus-xml" "$OUT/findings-xml"
    for f in "$WT"/tests/qemuxml2argvdata/{kvm-notify-vmexit,hyperv,kvm-features,minimal,q35,pc-i440fx}*.xml; do
        [ -f "$f" ] && cp "$f" "$OUT/corpus-xml/"
    done
    echo "fuzz:   $(ls "$OUT/corpus-xml" | wc -l) seeds from tests/qemuxml2argvdata"
    for j in $(seq 1 "$JOBS"); do
        "$FBD/tests/qemuxmlfuzz" -runs="$per" -max_total_time="$secs" \
            -max_len=16384 -timeout=30 -reload=60 -print_final_stats=1 \
            -dict="$ROOT/tools/fuzz/domain-xml.dict" \
            -artifact_prefix="$OUT/findings-xml/" \
            "$OUT/corpus-xml" > "$OUT/qemuxmlfuzz.$j.log" 2>&1 &
        logs+=("$OUT/qemuxmlfuzz.$j.log")
    done
    # progress once a minute: the executions each process reported last
    while [ -n "$(jobs -rp)" ]; do
        sleep 60
        so_far=0
        # libFuzzer prints a count with each new input and at powers of
        # two: a lower bound
        for l in "${logs[@]}"; do
            n=$({ grep -o '^#[0-9]*' "$l" || true; } | tail -n 1 | tr -d '#')
            so_far=$((so_far + ${n:-0}))
        done
        echo "fuzz:   qemuxmlfuzz: at least $so_far executions so far"
    done
    wait || true
    summary xml "${logs[@]}"
}

for t in $TARGETS; do
    case "$t" in
        fuzz-notify-log) build_notify_log; run_notify_log ;;
        qemuxmlfuzz) build_xml; run_xml ;;
        *) echo "fuzz: error: unknown target '$t' (known: fuzz-notify-log qemuxmlfuzz)" >&2; exit 1 ;;
    esac
done
echo "fuzz: $total_findings findings in all"
[ "$total_findings" -eq 0 ]
