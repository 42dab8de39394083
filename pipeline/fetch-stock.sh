#!/bin/bash
# Fetch Debian's own, unpatched libvirt daemon of the base's revision
# (SRC_KNOWN_REVISION in pipeline/layout.sh) for the downgrade test, and
# extract it into $STOCK.  Nothing is installed: Debian's libvirt packages
# in /usr would shadow the libraries of our private install.
#
# Debian 12 ships no virtqemud (debian/not-installed lists it): its daemon
# is the monolithic libvirtd of libvirt-daemon, which loads the same QEMU
# driver module (libvirt-daemon-driver-qemu) that virtqemud would.
# apt-get download goes through the system's configured apt sources and
# checks each file against the SHA-256 in the package index, which apt
# verified against the archive's signed Release file; the hashes are
# compared again below, so that the log shows it.  Runs as root.  Exits 2
# when apt cannot provide the packages (the downgrade test then skips), 1
# on any other error.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
VERSION=$SRC_KNOWN_REVISION
PACKAGES=(libvirt-daemon libvirt-daemon-driver-qemu libvirt0)
# what the stock binaries link and no package of 'make deps' brings: the
# version apt offers (checked with ldd after the extraction)
EXTRA=(libssh-4)
# what runs: the daemon, the libraries, the one driver module it loads
BINARIES=(usr/sbin/libvirtd "usr/lib/$MULTIARCH/libvirt.so.0"
          "usr/lib/$MULTIARCH/libvirt/connection-driver/libvirt_driver_qemu.so")

say() { echo "fetch-stock: $*"; }
die() { echo "fetch-stock: error: $*" >&2; exit 1; }
unavailable() { echo "fetch-stock: error: $*" >&2; exit 2; }

if [ "$(cat "$STOCK/version" 2>/dev/null)" = "$VERSION" ]; then
    say "Debian's libvirt $VERSION already extracted in $STOCK"
    exit 0
fi
# Debian 13's daemon needs Debian 13's C library: the downgrade test is
# for the base whose packages this host can run
[ "$BASE" = deb12 ] || unavailable "Debian's libvirt of BASE=$BASE ($VERSION) does not run on this Debian 12 host; the downgrade test needs BASE=deb12"
[ "$(id -u)" -eq 0 ] || die "run as root (apt-get download, apt-get update)"
for tool in apt-get apt-cache dpkg-deb sha256sum ldd; do
    command -v "$tool" > /dev/null || die "'$tool' not found; run 'make deps' first"
done

# offered PACKAGE: apt's index knows PACKAGE at $VERSION
# (apt-cache show prints nothing for an unknown version, and exits 0).
# Its output is taken whole first: 'grep -q' in a pipe would stop reading
# at the first match, and with pipefail apt-cache's SIGPIPE fails the test.
offered() {
    local out
    out=$(apt-cache show "$1=$VERSION" 2>/dev/null) || true
    grep -qx "Version: $VERSION" <<< "$out"
}
if ! offered libvirt0; then
    say "apt's index does not offer libvirt0 $VERSION: updating it (apt-get update)"
    apt-get -q update > /dev/null 2>&1 || true
fi
for p in "${PACKAGES[@]}"; do
    offered "$p" || unavailable "the configured apt sources do not offer $p $VERSION: check them (a Debian 12 mirror, 'apt-cache policy $p'); if a Debian point release replaced $VERSION there, move SRC_KNOWN_REVISION in pipeline/layout.sh (docs/workflow.md, 'Moving the base')"
done

mkdir -p "$BUILD" "$LOGS"
work=$(mktemp -d "$BUILD/stock.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "downloading ${PACKAGES[*]} $VERSION and ${EXTRA[*]} through apt"
# APT::Sandbox::User=root: apt's _apt user cannot write to the private
# directory
if ! (cd "$work" && apt-get -q -o APT::Sandbox::User=root download \
        "${PACKAGES[@]/%/=$VERSION}" "${EXTRA[@]}") > "$LOGS/fetch-stock.log" 2>&1; then
    cat "$LOGS/fetch-stock.log" >&2
    unavailable "apt-get download failed (see above); check the network and the apt sources, then run it again"
fi

say "verifying the packages against apt's signed index"
for deb in "$work"/*.deb; do
    pkg=$(dpkg-deb -f "$deb" Package) ver=$(dpkg-deb -f "$deb" Version)
    want=$(apt-cache show "$pkg=$ver" 2>/dev/null | awk '/^SHA256: / && !w { w = $2 } END { print w }')
    got=$(sha256sum "$deb" | cut -d' ' -f1)
    [ -n "$want" ] && [ "$got" = "$want" ] ||
        die "$(basename "$deb") has SHA-256 $got, apt's index says '$want': do not use it; run this script again"
    echo "$pkg $ver $got" >> "$work/packages"
done
for p in "${PACKAGES[@]}"; do
    grep -q "^$p $VERSION " "$work/packages" || die "apt did not download $p $VERSION"
done

say "extracting into $STOCK"
mkdir "$work/root"
for deb in "$work"/*.deb; do
    dpkg-deb -x "$deb" "$work/root"
done
for b in "${BINARIES[@]}"; do
    [ -e "$work/root/$b" ] || die "$b is not in the packages"
    missing=$(LD_LIBRARY_PATH=$work/root/usr/lib/$MULTIARCH ldd "$work/root/$b" | grep 'not found' || true)
    [ -z "$missing" ] || die "$b needs libraries that are neither on this machine nor extracted:
$missing
add their packages to EXTRA in $0"
done
mv "$work/packages" "$work/root/packages"
echo "$VERSION" > "$work/root/version"
rm -rf "$STOCK"
mv "$work/root" "$STOCK"
say "Debian's libvirt $VERSION ready in $STOCK (packages and hashes in $STOCK/packages)"
