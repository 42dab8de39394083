#!/bin/bash
# Fetch the Debian source package of a patch queue (QUEUE=libvirt, the
# default, or QUEUE=qemu) with apt, using a private apt state under build/
# and deb-src entries derived from the system's own apt sources.  Verify
# the upstream tarball and unpack it with Debian's patches applied.  The
# system's apt configuration is never changed.
# The base (package, version, tarball hash, known revision) comes from
# pipeline/layout.sh.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
PKG=$SRC_PACKAGE
UPSTREAM=$SRC_UPSTREAM
ORIG=${PKG}_${UPSTREAM}.orig.tar.xz
ORIG_SHA256=${FETCH_ORIG_SHA256:-$SRC_ORIG_SHA256}
# The system apt configuration the deb-src entries are derived from (the
# tests point this elsewhere).
ETC_APT=${FETCH_ETC_APT:-/etc/apt}
KNOWN_REVISION=$SRC_KNOWN_REVISION
APT=$APT_STATE
SRC=$QUEUE_SOURCE_DIR
TREE=$QUEUE_SOURCE_TREE

say() { echo "fetch: $*"; }
die() { echo "fetch: error: $*" >&2; exit 1; }

if [ -f "$SRC/unpacked.stamp" ] && [ -d "$TREE" ]; then
    say "Debian source $(cat "$SRC/debian-revision") already unpacked in $SRC"
    exit 0
fi

for tool in apt-get dpkg-source sha256sum; do
    command -v "$tool" >/dev/null || die "'$tool' not found; run 'make deps' first"
done

mkdir -p "$LOGS" "$APT/sources.list.d" "$APT/lists/partial" "$APT/cache/archives/partial" "$SRC"
: > "$APT/sources.list"
rm -f "$APT"/sources.list.d/*

# Derive deb-src entries from the system's own sources, both formats.
n=0
for f in "$ETC_APT/sources.list" "$ETC_APT"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -n 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "$f" >> "$APT/sources.list"
done
for f in "$ETC_APT"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    sed 's/^Types:.*$/Types: deb-src/' "$f" > "$APT/sources.list.d/system-$n.sources"
done
if ! grep -qs . "$APT/sources.list" && [ "$n" -eq 0 ]; then
    die "no apt sources found in $ETC_APT; configure a Debian 12 mirror for apt first"
fi

APTOPTS=(
    -o "Dir::Etc::SourceList=$APT/sources.list"
    -o "Dir::Etc::SourceParts=$APT/sources.list.d"
    -o "Dir::State::Lists=$APT/lists"
    -o "Dir::Cache=$APT/cache"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "APT::Sandbox::User=root"
    -o "Debug::NoLocking=1"
)

say "updating the private apt index in $APT (deb-src derived from $ETC_APT)"
if ! apt-get "${APTOPTS[@]}" -q update > "$APT/update.log" 2>&1; then
    cat "$APT/update.log" >&2
    die "apt-get update of the deb-src index failed (see above); check the network and the mirror in $ETC_APT, then run 'make' again"
fi

revision=$(apt-cache "${APTOPTS[@]}" showsrc "$PKG" 2>/dev/null |
           sed -n 's/^Version: //p' | sort -V | tail -n 1 || true)
[ -n "$revision" ] || die "no '$PKG' source package found through the sources in $ETC_APT: check the network and that the mirror there is a Debian 12 (bookworm) one, then run 'make' again"
# a revision may carry an epoch (QEMU's "1:")
case "$revision" in
    "$UPSTREAM"-*|[0-9]:"$UPSTREAM"-*) ;;
    *) die "the mirror offers $PKG $revision, not a $UPSTREAM revision; the series targets $UPSTREAM (docs/workflow.md, 'Moving the base')" ;;
esac
if [ "$revision" != "$KNOWN_REVISION" ]; then
    say "note: the mirror offers $revision; the series was written against $KNOWN_REVISION"
fi

say "downloading source package $PKG=$revision"
rm -rf "$SRC/download"
mkdir -p "$SRC/download"
if ! (cd "$SRC/download" && apt-get "${APTOPTS[@]}" -q source --download-only "$PKG=$revision") > "$SRC/download.log" 2>&1; then
    cat "$SRC/download.log" >&2
    die "downloading source package $PKG=$revision failed (see above); check the network and run 'make' again"
fi

say "verifying $ORIG"
actual=$(sha256sum "$SRC/download/$ORIG" | cut -d' ' -f1)
if [ "$actual" != "$ORIG_SHA256" ]; then
    die "$ORIG has SHA-256 $actual, expected $ORIG_SHA256: the upstream tarball differs from the one this series targets; do not build on it (remove $SRC and retry, or move the base as docs/workflow.md says)"
fi

say "unpacking with Debian's patches applied"
rm -rf "$TREE"
dsc=$(ls "$SRC"/download/*.dsc)
if ! dpkg-source --no-check -x "$dsc" "$TREE" > "$SRC/unpack.log" 2>&1; then
    cat "$SRC/unpack.log" >&2
    die "dpkg-source could not unpack $dsc (see above)"
fi
echo "$revision" > "$SRC/debian-revision"
touch "$SRC/unpacked.stamp"
say "Debian source $revision ready in $TREE"
