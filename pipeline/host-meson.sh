#!/bin/bash
# The Meson that a base's QEMU needs when the host's is too old (deb13:
# QEMU 10 needs >= 1.5, Debian 12 has 1.0.1).  Download Debian 12's
# backport (HOST_MESON_VERSION in pipeline/layout.sh) through a private apt
# state whose entries are derived from the system's sources (the main
# suite's -backports), and unpack it into $HOST_MESON.  Nothing is
# installed: the system's Meson stays what libvirt's builds use.  apt checks
# the package against the signed index.  Does nothing for a base that
# needs no other Meson.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
layout_report host-meson
APT=$BASE_BUILD/apt-host
ETC_APT=${FETCH_ETC_APT:-/etc/apt}

say() { echo "host-meson: $*"; }
die() { echo "host-meson: error: $*" >&2; exit 1; }

[ -n "$HOST_MESON_VERSION" ] || exit 0
if [ "$(cat "$HOST_MESON/version" 2>/dev/null)" = "$HOST_MESON_VERSION" ]; then
    exit 0
fi
for tool in apt-get dpkg-deb; do
    command -v "$tool" > /dev/null || die "'$tool' not found; run 'make deps' first"
done

rm -rf "$APT"
mkdir -p "$APT/sources.list.d" "$APT/lists/partial" "$APT/cache/archives/partial" "$LOGS"
: > "$APT/sources.list"
# the system's main suites (no '-' in the name) become their backports
n=0
for f in "$ETC_APT"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    awk '/^Suites:/ { s = ""; for (i = 2; i <= NF; i++) if ($i !~ /-/) s = s " " $i "-backports";
                      if (s == "") { print "Enabled: no"; print } else print "Suites:" s; next }
         { print }' "$f" > "$APT/sources.list.d/system-$n.sources"
done
for f in "$ETC_APT/sources.list" "$ETC_APT"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[|=|\]$/) break;
                       if ($(i + 1) !~ /-/) { $(i + 1) = $(i + 1) "-backports"; print } }' "$f" >> "$APT/sources.list"
done
APTOPTS=(
    -o "Dir::Etc::SourceList=$APT/sources.list"
    -o "Dir::Etc::SourceParts=$APT/sources.list.d"
    -o "Dir::State::Lists=$APT/lists"
    -o "Dir::State::status=/dev/null"
    -o "Dir::Cache=$APT/cache"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "APT::Sandbox::User=root"
    -o "Debug::NoLocking=1"
)
say "Meson $HOST_MESON_VERSION from the backports of $ETC_APT's suites (for $BASE's QEMU)"
if ! apt-get "${APTOPTS[@]}" -q update > "$LOGS/host-meson.log" 2>&1; then
    cat "$LOGS/host-meson.log" >&2
    die "apt-get update of the backports index failed (see above); check the network and the mirror in $ETC_APT, then run 'make' again"
fi
rm -rf "$HOST_MESON.new"
mkdir -p "$HOST_MESON.new"
if ! (cd "$HOST_MESON.new" && apt-get "${APTOPTS[@]}" -q download "meson=$HOST_MESON_VERSION") >> "$LOGS/host-meson.log" 2>&1; then
    tail -n 5 "$LOGS/host-meson.log" >&2
    die "apt could not download meson $HOST_MESON_VERSION (see above; log: $LOGS/host-meson.log); if the backports moved on, set HOST_MESON_VERSION in pipeline/layout.sh to what 'apt-cache policy meson' offers there"
fi
dpkg-deb -x "$HOST_MESON.new"/meson_*.deb "$HOST_MESON.new/root"
[ -d "$HOST_MESON.new/root/usr/lib/python3/dist-packages/mesonbuild" ] || die "the meson package has no mesonbuild module"
echo "$HOST_MESON_VERSION" > "$HOST_MESON.new/version"
rm -rf "$HOST_MESON"
mv "$HOST_MESON.new" "$HOST_MESON"
say "unpacked in $HOST_MESON"
