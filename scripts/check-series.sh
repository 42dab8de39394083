#!/bin/bash
# Build and run libvirt's 'meson test' at every patch of the series, in
# order, reusing the one build directory: the series stays bisectable.
#
# Usage: check-series.sh BUILDDIR
set -euo pipefail
BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR}")
WT=$BUILD/libvirt
BD=$BUILD/libvirt-build

die() { echo "check-series: error: $*" >&2; exit 1; }

[ -d "$WT/.git" ] || die "no work tree; run 'make' first"
[ -z "$(git -C "$WT" status --porcelain --untracked-files=no)" ] ||
    die "$WT has uncommitted changes; commit or stash them first"

orig=$(git -C "$WT" symbolic-ref -q --short HEAD || git -C "$WT" rev-parse HEAD)
restore() { git -C "$WT" checkout -q "$orig"; }
trap restore EXIT

commits=$(git -C "$WT" rev-list --reverse base..HEAD)
total=$(echo "$commits" | grep -c . || true)
[ "$total" -gt 0 ] || { echo "check-series: the series is empty"; exit 0; }

i=0
for c in $commits; do
    i=$((i + 1))
    subject=$(git -C "$WT" log -1 --format=%s "$c")
    echo "check-series: [$i/$total] $subject"
    git -C "$WT" checkout -q "$c"
    if ! ninja -C "$BD" > "$BUILD/check-series.log" 2>&1; then
        tail -n 30 "$BUILD/check-series.log" >&2
        die "patch $i/$total ('$subject') does not build (log: $BUILD/check-series.log)"
    fi
    if ! "$(dirname "$0")/meson-test.sh" "$BUILD" --quiet; then
        die "patch $i/$total ('$subject') fails 'meson test' (log: $BD/meson-logs/testlog.txt)"
    fi
done
echo "check-series: all $total patches build and pass 'meson test'"
