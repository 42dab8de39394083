#!/bin/bash
# make check-series [QUEUE=libvirt|qemu]: build and test at every patch of
# each patch queue, in order, in that queue's one build directory, so that
# both series stay bisectable.
#
#  - libvirt: ninja, then libvirt's 'meson test' (pipeline/libvirt-tests.sh)
#    in the flavour's build;
#  - qemu: ninja, then QEMU's unit and QAPI schema tests, and QEMU's
#    scripts/checkpatch.pl on the patch.
#
# The project's own suites (make check) run on the tips of both queues.
# FROM=N starts at patch N of each queue (the patches before it are built
# over, not tested): for a series that only grew since its last full run.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
layout_report check-series "NINJA_DIR=$LIBVIRT_BUILD" "TEST_DIR=$LIBVIRT_BUILD" \
    "QEMU_NINJA_DIR=$QEMU_BUILD"

die() { echo "check-series: error: $*" >&2; exit 1; }
queues=${1:-libvirt qemu}
mkdir -p "$LOGS"

# fail_patch WHY: the patch being checked fails
fail_patch() { die "$q patch $i/$total ('$subject') $1"; }

# series_commits WORKTREE: the commits of the series, oldest first
series_commits() {
    [ -d "$1/.git" ] || die "no work tree in $1; run 'make' first"
    [ -z "$(git -C "$1" status --porcelain --untracked-files=no)" ] ||
        die "$1 has uncommitted changes; commit or stash them first"
    git -C "$1" rev-list --reverse base..HEAD
}

check_libvirt_patch() {
    if ! ninja -C "$LIBVIRT_BUILD" > "$LOGS/check-series.log" 2>&1; then
        tail -n 30 "$LOGS/check-series.log" >&2
        fail_patch "does not build (log: $LOGS/check-series.log)"
    fi
    if ! "$ROOT/pipeline/libvirt-tests.sh" --quiet; then
        fail_patch "fails 'meson test' (log: $LIBVIRT_BUILD/meson-logs/testlog.txt)"
    fi
}

check_qemu_patch() {
    if ! ninja -C "$QEMU_BUILD" > "$LOGS/check-series-qemu.log" 2>&1; then
        grep -E -B2 -A12 'error|FAILED' "$LOGS/check-series-qemu.log" | head -n 40 >&2
        fail_patch "does not build (log: $LOGS/check-series-qemu.log)"
    fi
    if ! meson test -C "$QEMU_BUILD" --no-rebuild --suite unit --suite qapi-schema \
            --num-processes 2 > "$LOGS/check-series-qemu-test.log" 2>&1; then
        grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)' "$LOGS/check-series-qemu-test.log" >&2 || true
        fail_patch "fails QEMU's unit or QAPI schema tests (log: $QEMU_BUILD/meson-logs/testlog.txt)"
    fi
    if ! (cd "$QEMU_WORKTREE" && ./scripts/checkpatch.pl HEAD^..HEAD) > "$LOGS/check-series-checkpatch.log" 2>&1; then
        cat "$LOGS/check-series-checkpatch.log" >&2
        fail_patch "is not clean for scripts/checkpatch.pl"
    fi
}

for q in $queues; do
    case $q in
        libvirt) wt=$WORKTREE; "$ROOT/pipeline/configure.sh" ;;
        qemu) wt=$QEMU_WORKTREE
              [ -f "$QEMU_BUILD/build.ninja" ] || "$ROOT/pipeline/qemu-build.sh" ;;
        *) die "unknown queue '$q' (known: libvirt, qemu)" ;;
    esac
    commits=$(series_commits "$wt")
    total=$(echo "$commits" | grep -c . || true)
    if [ "$total" -eq 0 ]; then
        echo "check-series: the $q series is empty"
        continue
    fi
    orig=$(git -C "$wt" symbolic-ref -q --short HEAD || git -C "$wt" rev-parse HEAD)
    trap 'git -C "$wt" checkout -q "$orig"' EXIT
    i=0
    for c in $commits; do
        i=$((i + 1))
        subject=$(git -C "$wt" log -1 --format=%s "$c")
        if [ "$i" -lt "${FROM:-1}" ]; then
            continue
        fi
        echo "check-series: $q [$i/$total] $subject"
        git -C "$wt" checkout -q "$c"
        "check_${q}_patch"
    done
    git -C "$wt" checkout -q "$orig"
    trap - EXIT
    if [ "${FROM:-1}" -gt 1 ]; then
        echo "check-series: $q patches ${FROM}-$total build and pass their tests (1-$((FROM - 1)) not tested in this run)"
    else
        echo "check-series: all $total $q patches build and pass their tests"
    fi
done
