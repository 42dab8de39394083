#!/bin/bash
# Lintian over the packages of 'make deb', side by side with Debian's own
# binary packages of the same revision (downloaded from the mirror): the
# error tags of ours that Debian's packages do not have are new, and fail
# the check.  Output: $RESULTS/lintian-{ours,stock}.txt and a summary.
set -euo pipefail
QUEUE=libvirt
. "$(dirname "$0")/layout.sh"
layout_report deb-lintian

say() { echo "deb-lintian: $*"; }
die() { echo "deb-lintian: error: $*" >&2; exit 1; }

command -v lintian >/dev/null || die "'lintian' not found; run 'make deps' first"
compgen -G "$DEB_OUT/*.deb" >/dev/null || die "no packages in $DEB_OUT: run 'make deb' first"
mkdir -p "$RESULTS"
STOCK_DEBS=$BUILD/deb/stock
# the automatic -dbgsym packages are left out: Debian publishes its own in
# another archive (debian-debug), not on the mirror
mapfile -t ours < <(ls "$DEB_OUT"/*.deb | grep -v -- '-dbgsym_')
version=$(dpkg-deb -f "${ours[0]}" Version)
stock_version=${version%"$DEB_VERSION_SUFFIX"}

# Debian's packages of the same names, at the revision ours are built on
mkdir -p "$STOCK_DEBS"
for f in "${ours[@]}"; do
    pkg=$(dpkg-deb -f "$f" Package)
    compgen -G "$STOCK_DEBS/${pkg}_*.deb" >/dev/null && continue
    (cd "$STOCK_DEBS" && apt-get -q download "$pkg=$stock_version" > /dev/null 2>&1) ||
        die "cannot download Debian's $pkg $stock_version (apt-get download); is the mirror reachable?"
done

# lintian's tags, without the package and version so that the two sides
# compare: "E: <tag> <detail>" per line
tags() {
    lintian --tag-display-limit 0 "$@" 2>&1 |
        sed -n 's/^\([EWIPX]\): \([^ :]*\)\( ([^)]*)\)\?: /\1: \2: /p' |
        sed "s/$version//g; s/$stock_version//g" | sort
}
say "lintian over ${#ours[@]} packages of ours and Debian's $stock_version (a few minutes)"
tags "${ours[@]}" > "$RESULTS/lintian-ours.txt"
tags "$STOCK_DEBS"/*.deb > "$RESULTS/lintian-stock.txt"

count() { grep -c "^$1: " "$2" || true; }
for level in E W; do
    say "$level: ours $(count "$level" "$RESULTS/lintian-ours.txt"), Debian's $(count "$level" "$RESULTS/lintian-stock.txt")"
done
new=$(comm -23 <(grep '^E: ' "$RESULTS/lintian-ours.txt" | sort -u) \
              <(grep '^E: ' "$RESULTS/lintian-stock.txt" | sort -u))
if [ -n "$new" ]; then
    echo "$new" | sed 's/^/deb-lintian: new: /'
    die "$(echo "$new" | wc -l) lintian error(s) that Debian's own packages do not have (lists in $RESULTS/lintian-*.txt)"
fi
say "no lintian error that Debian's own packages do not have"
