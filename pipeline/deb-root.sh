#!/bin/bash
# A clean Debian 12 root for 'make check-deb', from the mirror the system's
# apt sources name (mmdebstrap; nothing of the build tree goes in): Debian's
# own libvirt and QEMU, and what the exit injector needs to be compiled
# there.  Services never start by themselves inside (policy-rc.d).
#
# With --build (make deb-qemu-estimate), the root is another one: a
# build root (mmdebstrap's buildd variant) in $DEB_QEMU_ROOT for building
# Debian's QEMU package, so that its many build-dependencies never reach
# the system that builds libvirt.
#
# usage: deb-root.sh [--build] create     the root, afresh
#        deb-root.sh [--build] run CMD... run CMD in it (namespaces of its own)
set -euo pipefail
QUEUE=libvirt
. "$(dirname "$0")/layout.sh"
layout_report deb-root

say() { echo "deb-root: $*"; }
die() { echo "deb-root: error: $*" >&2; exit 1; }

TREE=$DEB_ROOT/tree
# Debian's own packages an admin has before upgrading, and the injector's
# build needs
ROOT_PACKAGES=libvirt-daemon-system,libvirt-clients,qemu-system-x86,qemu-utils,gcc,libc6-dev,python3,procps
VARIANT=apt
WHAT="Debian's libvirt and QEMU"
ROOT_LOG=$LOGS/deb-root.log
if [ "${1:-}" = --build ]; then
    shift
    DEB_ROOT=$DEB_QEMU_ROOT
    TREE=$DEB_ROOT/tree
    ROOT_PACKAGES=fakeroot
    VARIANT=buildd
    WHAT="build-essential"
    ROOT_LOG=$LOGS/deb-qemu-root.log
fi

create() {
    command -v mmdebstrap >/dev/null || die "'mmdebstrap' not found; run 'make deps' first"
    [ "$(id -u)" -eq 0 ] || die "creating the root needs root (chroot, mounts)"
    local sources=$DEB_ROOT/sources f n=0 start
    mkdir -p "$DEB_ROOT" "$LOGS"
    # never remove through a mount (the root is only mounted inside the
    # namespaces of 'run', which end with it)
    ! grep -q " $TREE[/ ]" /proc/mounts || die "something is mounted below $TREE: unmount it, then retry"
    rm -rf "$TREE"
    # the system's own apt sources, as they are (both formats)
    : > "$sources"
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        cat "$f" >> "$sources"
        echo >> "$sources"
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || die "the system has no apt sources to take the mirror from"
    say "mmdebstrap bookworm into $TREE with $WHAT (a few minutes; log: $ROOT_LOG)"
    start=$(date +%s)
    mmdebstrap --mode=root --variant=$VARIANT \
        --aptopt='APT::Install-Recommends "false"' \
        --include="$ROOT_PACKAGES" \
        --customize-hook='printf "#!/bin/sh\nexit 101\n" > "$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"' \
        bookworm "$TREE" "$sources" > "$ROOT_LOG" 2>&1 ||
        die "mmdebstrap failed after $(( $(date +%s) - start )) s: see $ROOT_LOG"
    echo $(( $(date +%s) - start )) > "$DEB_ROOT/seconds"
    say "root ready in $(( $(date +%s) - start )) s: $(chroot "$TREE" dpkg-query -W -f '${Package} ${Version}\n' libvirt-daemon qemu-system-x86 gcc 2>/dev/null | tr '\n' ';' | sed 's/;$//; s/;/, /g')"
}

case "${1:-}" in
    create) mkdir -p "$RESULTS"; create ;;
    run)
        # CMD runs as the first process of its own PID namespace, with the
        # root as '/' in its own mount namespace (pivot_root, so that
        # libvirt's per-guest mount namespaces see the same '/'): when it
        # ends, so does everything it started (daemons, QEMU) and every
        # mount
        shift
        [ -x "$TREE/usr/bin/apt-get" ] || die "no root in $TREE: run '$0 create' first"
        unshare --mount --pid --fork --propagation private \
            "$ROOT/pipeline/deb-root-ns.sh" "$TREE" "$@" ;;
    *) die "usage: $0 [--build] create | [--build] run CMD..." ;;
esac
