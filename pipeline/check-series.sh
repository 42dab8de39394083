#!/bin/bash
# make check-series: build and run libvirt's 'meson test' at every patch of
# the series, in order, in the flavour's one build directory: the series
# stays bisectable.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
layout_report check-series "NINJA_DIR=$LIBVIRT_BUILD" "TEST_DIR=$LIBVIRT_BUILD"

die() { echo "check-series: error: $*" >&2; exit 1; }

[ -d "$WORKTREE/.git" ] || die "no work tree; run 'make' first"
[ -z "$(git -C "$WORKTREE" status --porcelain --untracked-files=no)" ] ||
    die "$WORKTREE has uncommitted changes; commit or stash them first"
"$ROOT/pipeline/configure.sh"
mkdir -p "$LOGS"

orig=$(git -C "$WORKTREE" symbolic-ref -q --short HEAD || git -C "$WORKTREE" rev-parse HEAD)
restore() { git -C "$WORKTREE" checkout -q "$orig"; }
trap restore EXIT

commits=$(git -C "$WORKTREE" rev-list --reverse base..HEAD)
total=$(echo "$commits" | grep -c . || true)
[ "$total" -gt 0 ] || { echo "check-series: the series is empty"; exit 0; }

i=0
for c in $commits; do
    i=$((i + 1))
    subject=$(git -C "$WORKTREE" log -1 --format=%s "$c")
    echo "check-series: [$i/$total] $subject"
    git -C "$WORKTREE" checkout -q "$c"
    if ! ninja -C "$LIBVIRT_BUILD" > "$LOGS/check-series.log" 2>&1; then
        tail -n 30 "$LOGS/check-series.log" >&2
        die "patch $i/$total ('$subject') does not build (log: $LOGS/check-series.log)"
    fi
    if ! "$ROOT/pipeline/libvirt-tests.sh" --quiet; then
        die "patch $i/$total ('$subject') fails 'meson test' (log: $LIBVIRT_BUILD/meson-logs/testlog.txt)"
    fi
done
echo "check-series: all $total patches build and pass 'meson test' in $LIBVIRT_BUILD"
