#!/bin/bash
# make deb: Debian 12's own libvirt source package, rebuilt with Debian's
# own packaging (debian/rules, 'dpkg-buildpackage -b') and the series in
# debian/patches/notify-vmexit/ with DEP-3 headers, under a changelog
# entry whose version apt takes as an upgrade over the stock package.
# The package's build-dependencies are installed from the mirror when
# missing (as root).  Output: $DEB_OUT/*.deb and $RESULTS/deb.tsv (package
# sizes next to the stock ones).
set -euo pipefail
QUEUE=libvirt
. "$(dirname "$0")/layout.sh"
layout_report deb
layout_only_base deb12 deb "only Debian 12's libvirt is packaged (make deb, make check-deb: BASE=deb12, the default; docs/packages.md)"

say() { echo "deb: $*"; }
die() { echo "deb: error: $*" >&2; exit 1; }

TREE=$QUEUE_SOURCE_TREE
[ -f "$QUEUE_SOURCE_DIR/unpacked.stamp" ] && [ -d "$TREE" ] ||
    die "Debian's libvirt source is not unpacked in $QUEUE_SOURCE_DIR: run 'make fetch' first"
for tool in dpkg-buildpackage dpkg-parsechangelog apt-get python3; do
    command -v "$tool" >/dev/null || die "'$tool' not found; run 'make deps' first"
done
STOCK_VERSION=$(cd "$TREE" && dpkg-parsechangelog -S Version)
VERSION=$STOCK_VERSION$DEB_VERSION_SUFFIX
mapfile -t SERIES < <(ls "$PATCHES" | grep -E '^[0-9]{4}-.*\.patch$' | grep -v '^0000-')
[ ${#SERIES[@]} -gt 0 ] || die "no patches in $PATCHES: run 'make export' first"

# 1. the package's build-dependencies, from debian/control
mkdir -p "$LOGS" "$RESULTS"
missing=$(cd "$TREE" && apt-get -s -q build-dep . 2>/dev/null | sed -n 's/^Inst \([^ ]*\) .*/\1/p' | wc -l)
if [ "$missing" -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] ||
        die "$missing build-dependencies of libvirt $STOCK_VERSION are missing: run 'make deb' as root (apt-get build-dep)"
    say "[1/4] installing $missing build-dependencies of libvirt $STOCK_VERSION from the mirror (log: $LOGS/deb-build-deps.log)"
    (cd "$TREE" && DEBIAN_FRONTEND=noninteractive apt-get -q build-dep -y . ) > "$LOGS/deb-build-deps.log" 2>&1 ||
        die "apt-get build-dep failed: see $LOGS/deb-build-deps.log"
else
    say "[1/4] the build-dependencies of libvirt $STOCK_VERSION are installed"
fi

# 2. a copy of Debian's tree (Debian's patches applied) with the series
# appended to debian/patches/series
WORK=$DEB_WORK/libvirt-$SRC_UPSTREAM
say "[2/4] $WORK: Debian $STOCK_VERSION plus ${#SERIES[@]} patches as $VERSION"
rm -rf "$DEB_WORK"
mkdir -p "$DEB_WORK"
cp -a "$TREE" "$WORK"
DATE=$(git -C "$ROOT" log -1 --format=%cs 2>/dev/null || date -u +%F)
mkdir -p "$WORK/debian/patches/notify-vmexit"
for p in "${SERIES[@]}"; do
    python3 "$ROOT/pipeline/dep3.py" "$PATCHES/$p" "$p" "$DATE" \
        > "$WORK/debian/patches/notify-vmexit/$p"
    echo "notify-vmexit/$p" >> "$WORK/debian/patches/series"
done
{
    echo "libvirt ($VERSION) bookworm; urgency=medium"
    echo
    echo "  * Notify VM exit series (${#SERIES[@]} patches, debian/patches/notify-vmexit/):"
    echo "    domain XML for KVM notify VM exits and the Hyper-V SynIC queue depth,"
    echo "    crashed/shutoff reasons, events and <on_crash> for guests that a"
    echo "    fatal notify exit stopped, QEMU's NOTIFY_VMEXIT event as the"
    echo "    evidence, 'virsh domstats --notify-vmexit', and fixes for bugs of"
    echo "    libvirt 9.0.0 found by fuzzing."
    echo
    echo " -- $DEB_MAINTAINER  $(date -u -R -d "$DATE 12:00")"
    echo
    cat "$TREE/debian/changelog"
} > "$WORK/debian/changelog"

# 3. Debian's build, tests included (its debian/rules runs the test suite)
log=$LOGS/deb-build.log
jobs=$(nproc)
say "[3/4] dpkg-buildpackage -b (parallel=$jobs, ccache; log: $log)"
start=$(date +%s)
(
    cd "$WORK"
    PATH=/usr/lib/ccache:$PATH \
    DEB_BUILD_OPTIONS="parallel=$jobs ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -b -uc -us
) > "$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null && sleep 1; done
    kill -0 "$pid" 2>/dev/null || break
    step=$(grep -E '^\[[0-9]+/[0-9]+\]|^ *dh_[a-z_]+|^ *debian/rules ' "$log" | tail -1 | cut -c1-100)
    say "building ($(( $(date +%s) - start )) s): ${step:-starting}"
done
wait "$pid" || die "dpkg-buildpackage failed after $(( $(date +%s) - start )) s: see the end of $log"
secs=$(( $(date +%s) - start ))

# 4. what came out, against what debian/control declares and what Debian ships
mkdir -p "$DEB_OUT"
rm -f "$DEB_OUT"/*.deb
mv "$DEB_WORK"/*.deb "$DEB_OUT"/
mapfile -t want < <(cd "$WORK" && dh_listpackages 2>/dev/null)
got=0
printf 'package\tversion\tsize\tstock_size\n' > "$RESULTS/deb.tsv"
for pkg in "${want[@]}"; do
    f=$(ls "$DEB_OUT/${pkg}_${VERSION#*:}_"*.deb 2>/dev/null | head -1)
    [ -n "$f" ] || die "Debian's build declares $pkg but did not produce it"
    got=$((got + 1))
    stock=$(apt-cache show "$pkg=$STOCK_VERSION" 2>/dev/null | sed -n 's/^Size: //p' | head -1)
    printf '%s\t%s\t%s\t%s\n' "$pkg" "$VERSION" "$(stat -c %s "$f")" "${stock:--}" >> "$RESULTS/deb.tsv"
done
# the series' public API reaches libvirt-dev: the header and libvirt's API
# description both name each of its values
api="VIR_DOMAIN_SHUTOFF_NOTIFY_VMEXIT VIR_DOMAIN_CRASHED_NOTIFY_VMEXIT VIR_DOMAIN_EVENT_STOPPED_NOTIFY_VMEXIT VIR_DOMAIN_EVENT_CRASHED_NOTIFY_VMEXIT VIR_DOMAIN_STATS_NOTIFY_VMEXIT"
dev=$(ls "$DEB_OUT"/libvirt-dev_*.deb | head -1)
for f in ./usr/include/libvirt/libvirt-domain.h ./usr/share/libvirt/api/libvirt-api.xml; do
    text=$(dpkg-deb --fsys-tarfile "$dev" | tar -xO "$f") || die "$(basename "$dev") has no $f"
    for name in $api; do
        [[ $text == *"$name"* ]] || die "$(basename "$dev"): $f does not name $name"
    done
done
say "[4/4] $got binary packages of libvirt $VERSION in $DEB_OUT, built in $secs s; libvirt-dev's header and API XML carry the series' 5 values"
echo "$secs" > "$RESULTS/deb-build-seconds"
