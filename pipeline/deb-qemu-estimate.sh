#!/bin/bash
# make deb-qemu-estimate: how long Debian's own QEMU package takes to build
# here, measured rather than guessed, without building all of it.  Debian's
# debian/rules builds every system target (31 of them, plus microvm and
# the Xen build) and every static linux-user target, and has no build
# profile for a subset; a full build does not fit in a session or in CI.
#
# In a clean build root (pipeline/deb-root.sh --build; the many
# build-dependencies never reach this system), with Debian's source tree
# of the base: the arch-only build-dependencies, 'debian/rules
# configure-arch' (every build configured), the ninja steps of every
# build, then 'debian/rules build-arch' for LIMIT seconds (default 900),
# and the steps it got through.  The estimate is the build rate over all
# the steps: a lower bound, as the later steps (target code, links) are
# slower than the first ones; packaging (install, strip, dwz, .debs)
# comes on top.
# Results: build/results/deb-qemu-estimate.tsv.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
layout_report deb-qemu-estimate
layout_only_base deb12 deb-qemu-estimate "the estimate is of Debian 12's QEMU package (BASE=deb12, the default)"
LIMIT=${LIMIT:-900}
# Debian's QEMU source tree, as the layout names it for the qemu queue
QEMU_TREE=$(QUEUE=qemu "$ROOT/pipeline/layout.sh" --print | sed -n 's/^QUEUE_SOURCE_TREE=//p')

say() { echo "deb-qemu-estimate: $*"; }
die() { echo "deb-qemu-estimate: error: $*" >&2; exit 1; }

[ -d "$QEMU_TREE/debian" ] || die "no Debian QEMU source in $QEMU_TREE: run 'make fetch' first"
case "$LIMIT" in ''|*[!0-9]*) die "LIMIT must be a number of seconds, not '$LIMIT'" ;; esac
mkdir -p "$RESULTS" "$LOGS"
TREE=$DEB_QEMU_ROOT/tree
in_root() { "$ROOT/pipeline/deb-root.sh" --build run /opt/in-root.sh "$@"; }
elapsed() { echo $(( $(date +%s) - $1 )); }

say "[1/5] a clean Debian 12 build root"
"$ROOT/pipeline/deb-root.sh" --build create
root_s=$(cat "$DEB_QEMU_ROOT/seconds")
mkdir -p "$TREE/build"
cp -a "$QEMU_TREE" "$TREE/build/"
cp "$ROOT/pipeline/deb-qemu-in-root.sh" "$TREE/opt/in-root.sh"
version=$(cd "$QEMU_TREE" && dpkg-parsechangelog -S Version)

say "[2/5] the arch-only build-dependencies of qemu $version (log: $LOGS/deb-qemu-deps.log)"
t=$(date +%s)
in_root deps > "$LOGS/deb-qemu-deps.log" 2>&1 || die "apt-get build-dep failed: see $LOGS/deb-qemu-deps.log"
deps_s=$(elapsed "$t")
deps_n=$(sed -n 's/^\([0-9]*\) upgraded, \([0-9]*\) newly installed.*/\2/p' "$LOGS/deb-qemu-deps.log" | tail -1)
say "  $deps_n packages in $deps_s s"

say "[3/5] debian/rules configure-arch: every build Debian's rules make (log: $LOGS/deb-qemu-configure.log)"
t=$(date +%s)
in_root configure > "$LOGS/deb-qemu-configure.log" 2>&1 || die "configure failed: see $LOGS/deb-qemu-configure.log"
configure_s=$(elapsed "$t")
in_root count > "$DEB_QEMU_ROOT/steps-before"
total=$(awk '{ s += $2 } END { print s + 0 }' "$DEB_QEMU_ROOT/steps-before")
say "  configured in $configure_s s; ninja steps: $(awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }' "$DEB_QEMU_ROOT/steps-before"); $total in all"

say "[4/5] debian/rules build-arch for $LIMIT s (parallel=$(nproc); log: $LOGS/deb-qemu-build.log)"
t=$(date +%s)
in_root build "$LIMIT" > "$LOGS/deb-qemu-build.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    sleep 60
    kill -0 "$pid" 2>/dev/null && say "  building ($(elapsed "$t") s of $LIMIT)"
done
wait "$pid" || die "the build failed before its limit: see the end of $LOGS/deb-qemu-build.log"
build_s=$(elapsed "$t")
in_root count > "$DEB_QEMU_ROOT/steps-after"

say "[5/5] the estimate"
left=$(awk '{ s += $2 } END { print s + 0 }' "$DEB_QEMU_ROOT/steps-after")
# a build that ran no step yet has no line in steps-after if it was not
# configured, but configure-arch configured all of them
done_steps=$((total - left))
[ "$done_steps" -gt 0 ] || die "no ninja step done in $build_s s: see $LOGS/deb-qemu-build.log"
est=$(( build_s * total / done_steps ))
{
    printf 'what\tvalue\n'
    printf 'version\t%s\n' "$version"
    printf 'cpus\t%s\n' "$(nproc)"
    printf 'root_seconds\t%s\n' "$root_s"
    printf 'build_deps_packages\t%s\n' "$deps_n"
    printf 'build_deps_seconds\t%s\n' "$deps_s"
    printf 'configure_seconds\t%s\n' "$configure_s"
    while read -r name n; do printf 'steps_%s\t%s\n' "$name" "$n"; done < "$DEB_QEMU_ROOT/steps-before"
    printf 'steps_total\t%s\n' "$total"
    printf 'build_seconds_measured\t%s\n' "$build_s"
    printf 'steps_done\t%s\n' "$done_steps"
    printf 'build_seconds_estimated\t%s\n' "$est"
} > "$RESULTS/deb-qemu-estimate.tsv"
say "  $done_steps of $total ninja steps in $build_s s: the whole build-arch about $est s ($((est / 60)) min) on $(nproc) CPUs,"
say "  plus $configure_s s of configure, $deps_s s of build-dependencies, and packaging on top"
say "  table: $RESULTS/deb-qemu-estimate.tsv; the build root stays in $DEB_QEMU_ROOT (rm -rf it when done)"
