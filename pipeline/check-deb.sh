#!/bin/bash
# make check-deb: a clean Debian 12 root from the mirror with Debian's own
# libvirt and QEMU (pipeline/deb-root.sh), our packages of 'make deb' in a
# local apt repository there, and tests/deb/check-in-root.sh inside: a
# guest on Debian's packages, the upgrade with it running, the notify-exit
# scenarios on the packaged daemons, and the downgrade with a running and
# a crashed guest.  Then lintian, side by side with Debian's packages.
set -euo pipefail
QUEUE=libvirt
. "$(dirname "$0")/layout.sh"
layout_report check-deb
layout_only_base deb12 check-deb "only Debian 12's libvirt is packaged (make deb, make check-deb: BASE=deb12, the default; docs/packages.md)"

say() { echo "check-deb: $*"; }
die() { echo "check-deb: error: $*" >&2; exit 1; }

compgen -G "$DEB_OUT/*.deb" >/dev/null || die "no packages in $DEB_OUT: run 'make deb' first"
command -v dpkg-scanpackages >/dev/null || die "'dpkg-scanpackages' not found; run 'make deps' first"
start=$(date +%s)
mkdir -p "$RESULTS" "$LOGS"

"$ROOT/pipeline/deb-root.sh" create
TREE=$DEB_ROOT/tree

# what the root gets from us: our packages as an apt repository, the
# injector's source, the check, and the layout, harness and demo (make
# demo SYSTEM=1) in the repository's shape, which the check and the demo
# use
CHECK=$TREE/opt/notify-check
mkdir -p "$CHECK/repo/pipeline" "$CHECK/repo/harness" "$CHECK/repo/demo" "$TREE/srv/notify-debs"
cp "$ROOT/pipeline/layout.sh" "$CHECK/repo/pipeline/"
cp "$ROOT"/harness/{lib.sh,system.sh,guest.sh,inject.sh,events.sh,injector.py} "$CHECK/repo/harness/"
cp "$ROOT"/demo/{demo.sh,demo-stop.sh} "$CHECK/repo/demo/"
cp "$ROOT/harness/injector/notify-injector.c" "$ROOT/tests/deb/check-in-root.sh" "$CHECK/"
ls "$DEB_OUT"/*.deb | grep -v -- '-dbgsym_' | xargs cp -t "$TREE/srv/notify-debs/"
(cd "$TREE/srv/notify-debs" && dpkg-scanpackages -m . > Packages 2> /dev/null)
echo "deb [trusted=yes] file:/srv/notify-debs ./" > "$TREE/etc/apt/sources.list.d/notify-debs.list"
say "$(ls "$TREE/srv/notify-debs"/*.deb | wc -l) packages of ours in the root's repository /srv/notify-debs"

log=$LOGS/check-deb-root.log
say "running tests/deb/check-in-root.sh in the root (log: $log)"
rc=0
"$ROOT/pipeline/deb-root.sh" run /opt/notify-check/check-in-root.sh 2>&1 | tee "$log" || rc=$?
secs=$(( $(date +%s) - start ))
echo "$secs" > "$RESULTS/check-deb-seconds"
[ "$rc" -eq 0 ] || die "the check in the root failed after $secs s: see the FAIL lines above and $log"
say "the root passed, in $secs s with the root's creation"
"$ROOT/pipeline/deb-lintian.sh"
say "done in $(( $(date +%s) - start )) s"
