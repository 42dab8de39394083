#!/bin/bash
# make check-series [QUEUE=...]: build and test at every patch of each
# patch queue of the base, in order, in that queue's one build directory,
# so that every series stays bisectable.
#
#  - libvirt: ninja, then libvirt's 'meson test' (pipeline/libvirt-tests.sh)
#    in the flavour's build;
#  - libvirt-fixes (deb13): the same, at each of its patches in the libvirt
#    work tree, where they are the base of the libvirt queue;
#  - qemu, qemu-next (deb13): ninja, then QEMU's unit and QAPI schema
#    tests, and QEMU's scripts/checkpatch.pl on the patch.
#
# The project's own suites (make check) run on the tips of both queues.
# FROM=N starts at patch N of each queue (the patches before it are built
# over, not tested): for a series that only grew since its last full run.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
layout_report check-series "NINJA_DIR=$LIBVIRT_BUILD" "TEST_DIR=$LIBVIRT_BUILD" \
    "QEMU_NINJA_DIR=$QEMU_BUILD"

die() { echo "check-series: error: $*" >&2; exit 1; }
queues=${1:-$BASE_QUEUES}
mkdir -p "$LOGS"

# fail_patch WHY: the patch being checked fails
fail_patch() { die "$q patch $i/$total ('$subject') $1"; }

# series_commits WORKTREE RANGE: the commits of the series, oldest first
series_commits() {
    [ -d "$1/.git" ] || die "no work tree in $1; run 'make' first"
    [ -z "$(git -C "$1" status --porcelain --untracked-files=no)" ] ||
        die "$1 has uncommitted changes; commit or stash them first"
    git -C "$1" rev-list --reverse "$2"
}

# qemu_meson BUILD: the Meson a QEMU build was configured with (QEMU 8 and
# later: the one of its venv)
qemu_meson() {
    if [ -x "$1/pyvenv/bin/meson" ]; then echo "$1/pyvenv/bin/meson"; else echo meson; fi
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
    local build=$QEMU_BUILD wt=$QEMU_WORKTREE
    if [ "$q" = qemu-next ]; then
        build=$QEMU_NEXT_BUILD wt=$QEMU_NEXT_WORKTREE
    fi
    if ! ninja -C "$build" > "$LOGS/check-series-qemu.log" 2>&1; then
        grep -E -B2 -A12 '^FAILED:|error:' "$LOGS/check-series-qemu.log" | head -n 40 >&2 || true
        fail_patch "does not build (log: $LOGS/check-series-qemu.log)"
    fi
    if ! "$(qemu_meson "$build")" test -C "$build" --no-rebuild --suite unit --suite qapi-schema \
            --num-processes 2 > "$LOGS/check-series-qemu-test.log" 2>&1; then
        grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)' "$LOGS/check-series-qemu-test.log" >&2 || true
        fail_patch "fails QEMU's unit or QAPI schema tests (log: $build/meson-logs/testlog.txt)"
    fi
    if ! (cd "$wt" && ./scripts/checkpatch.pl HEAD^..HEAD) > "$LOGS/check-series-checkpatch.log" 2>&1; then
        cat "$LOGS/check-series-checkpatch.log" >&2
        fail_patch "is not clean for scripts/checkpatch.pl"
    fi
}

for q in $queues; do
    range=base..HEAD check=$q
    case $q in
        libvirt) wt=$WORKTREE; "$ROOT/pipeline/configure.sh" ;;
        libvirt-fixes)
            # checked where they are built: in the libvirt work tree,
            # between Debian's source and the libvirt queue's base
            wt=$WORKTREE range=debian..base check=libvirt
            "$ROOT/pipeline/configure.sh" ;;
        qemu) wt=$QEMU_WORKTREE
              [ -f "$QEMU_BUILD/build.ninja" ] || "$ROOT/pipeline/qemu-build.sh" ;;
        qemu-next)
            [ -n "$QEMU_NEXT_BUILD" ] || die "BASE $BASE has no qemu-next queue"
            wt=$QEMU_NEXT_WORKTREE check=qemu
            [ -f "$QEMU_NEXT_BUILD/build.ninja" ] || "$ROOT/pipeline/qemu-build.sh" next ;;
        *) die "unknown queue '$q' (BASE $BASE has: $BASE_QUEUES)" ;;
    esac
    commits=$(series_commits "$wt" "$range")
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
        "check_${check}_patch"
    done
    git -C "$wt" checkout -q "$orig"
    trap - EXIT
    if [ "${FROM:-1}" -gt 1 ]; then
        echo "check-series: $q patches ${FROM}-$total build and pass their tests (1-$((FROM - 1)) not tested in this run)"
    else
        echo "check-series: all $total $q patches build and pass their tests"
    fi
done
