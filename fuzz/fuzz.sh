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
# Run by 'make fuzz' after 'FLAVOUR=fuzz pipeline/build.sh' built both
# targets (pipeline/layout.sh names the directories).
set -euo pipefail
FLAVOUR=fuzz
. "$(cd "$(dirname "$0")/.." && pwd)/pipeline/layout.sh"
RUNS=${FUZZ_RUNS:-10000000}
TARGETS=${FUZZ_TARGETS:-fuzz-notify-log qemuxmlfuzz}
JOBS=${FUZZ_JOBS:-$(nproc)}
OUT=$FUZZ_DIR
HERE=$ROOT/fuzz
NOTIFY_LOG_FUZZER=$TOOLS_BUILD/fuzz/fuzz-notify-log
XML_FUZZER=$LIBVIRT_BUILD/tests/qemuxmlfuzz
layout_report fuzz "NOTIFY_LOG_FUZZER=$NOTIFY_LOG_FUZZER" "XML_FUZZER=$XML_FUZZER" "OUT=$OUT"

for t in "$NOTIFY_LOG_FUZZER" "$XML_FUZZER"; do
    [ -x "$t" ] || { echo "fuzz: error: $t is missing: run 'make fuzz' (it builds both targets first)" >&2; exit 1; }
done
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

run_notify_log() {
    local secs=${FUZZ_SECONDS:-600}
    echo "fuzz: running fuzz-notify-log: $RUNS executions or $secs s"
    rm -rf "$OUT/corpus-notify-log" "$OUT/findings-notify-log"
    mkdir -p "$OUT/corpus-notify-log" "$OUT/findings-notify-log"
    cp "$HERE"/seeds-notify-log/* "$OUT/corpus-notify-log/"
    "$NOTIFY_LOG_FUZZER" -runs="$RUNS" -max_total_time="$secs" \
        -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$OUT/findings-notify-log/" \
        "$OUT/corpus-notify-log" > "$OUT/fuzz-notify-log.log" 2>&1 || true
    summary notify-log "$OUT/fuzz-notify-log.log"
}

# Seeds: the series' own qemuxml2argv inputs for both new features and a
# few ordinary definitions around them (hyperv, kvm features, machines).
run_xml() {
    local secs=${FUZZ_SECONDS:-14400} per=$(( (RUNS + JOBS - 1) / JOBS )) j logs=()
    echo "fuzz: running qemuxmlfuzz: $RUNS executions ($JOBS processes x $per) or $secs s"
    rm -rf "$OUT/corpus-xml" "$OUT/findings-xml" "$OUT"/qemuxmlfuzz.*.log
    mkdir -p "$OUT/corpus-xml" "$OUT/findings-xml"
    # libvirt 9.0.0 keeps the inputs in qemuxml2argvdata; 10.x and later
    # in qemuxmlconfdata, beside the outputs (NAME.x86_64-VERSION.xml), which
    # are left out
    local data=$WORKTREE/tests/qemuxml2argvdata
    [ -d "$data" ] || data=$WORKTREE/tests/qemuxmlconfdata
    for f in "$data"/{kvm-notify-vmexit,hyperv,kvm-features,minimal,q35,pc-i440fx}*.xml; do
        case "${f##*/}" in *.x86_64-*.xml) continue ;; esac
        [ -f "$f" ] && cp "$f" "$OUT/corpus-xml/"
    done
    [ -n "$(ls "$OUT/corpus-xml")" ] ||
        { echo "fuzz: error: no seed definitions in $data: is $WORKTREE imported ('make import')?" >&2; exit 1; }
    echo "fuzz:   $(ls "$OUT/corpus-xml" | wc -l) seeds from ${data#"$WORKTREE"/}"
    for j in $(seq 1 "$JOBS"); do
        "$XML_FUZZER" -runs="$per" -max_total_time="$secs" \
            -max_len=16384 -timeout=30 -reload=60 -print_final_stats=1 \
            -dict="$HERE/domain-xml.dict" \
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
        fuzz-notify-log) run_notify_log ;;
        qemuxmlfuzz) run_xml ;;
        *) echo "fuzz: error: unknown target '$t' (known: fuzz-notify-log qemuxmlfuzz)" >&2; exit 1 ;;
    esac
done
echo "fuzz: $total_findings findings in all"
[ "$total_findings" -eq 0 ]
