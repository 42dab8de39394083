#!/bin/bash
# make qemu (and make, make check): the patched QEMU.  Fetch and import
# its queue the first time, configure once, then ninja (incremental,
# ccache) and install into its own prefix, never over the system's QEMU.
# 'qemu-build.sh stock' builds the base's stock QEMU the same way, from the
# unpacked Debian source without our patches, for a base whose stock QEMU
# is not the system's (deb13: QEMU_STOCK_BUILD in pipeline/layout.sh);
# 'qemu-build.sh next' the qemu-next queue's QEMU (deb13).
#
# Only what the tests and the demo run is built: qemu-system-x86_64 with
# KVM and TCG (libvirt probes both, as it does Debian's QEMU), the x86
# devices and seccomp; no tools, documentation or user-mode emulation.  The
# firmware is Debian's (seabios, ipxe), found through the same firmware
# path as Debian's own QEMU.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
P=$ROOT/pipeline

say() { echo "qemu-build$LOGSUFFIX: $*"; }
die() { echo "qemu-build$LOGSUFFIX: error: $*" >&2; exit 1; }

# what to build: QUEUE_OF is the queue whose work tree is built (none for
# the stock QEMU, which is built from the unpacked Debian source)
case "${1:-}" in
    next)
        [ -n "$QEMU_NEXT_BUILD" ] || { echo "qemu-build: error: BASE $BASE has no qemu-next queue" >&2; exit 1; }
        LOGSUFFIX=-next KIND=qemu-next QUEUE_OF=qemu-next
        NINJA_DIR=$QEMU_NEXT_BUILD INSTALL_PREFIX=$QEMU_NEXT_PREFIX
        INSTALLED=$QEMU_NEXT_PREFIX/bin/qemu-system-x86_64
        PKGVERSION_NOTE=", notify-vmexit series" ;;
    stock)
        [ -n "$QEMU_STOCK_BUILD" ] || { echo "qemu-build: BASE $BASE's stock QEMU is the system's ($QEMU_STOCK): nothing to build"; exit 0; }
        LOGSUFFIX=-stock KIND=stock QUEUE_OF=qemu
        NINJA_DIR=$QEMU_STOCK_BUILD INSTALL_PREFIX=$QEMU_STOCK_PREFIX
        INSTALLED=$QEMU_STOCK
        PKGVERSION_NOTE=", stock" ;;
    *)
        LOGSUFFIX= KIND=patched QUEUE_OF=qemu
        NINJA_DIR=$QEMU_BUILD INSTALL_PREFIX=$QEMU_PREFIX
        INSTALLED=$QEMU_PATCHED
        PKGVERSION_NOTE=", notify-vmexit series" ;;
esac
layout_report qemu-build "NINJA_DIR=$NINJA_DIR" "INSTALL_PREFIX=$INSTALL_PREFIX"
mkdir -p "$LOGS"

# the queue's source, work tree and Debian revision, from the layout
eval "$(QUEUE=$QUEUE_OF "$P/layout.sh" --print | grep -E '^(QUEUE_SOURCE_DIR|QUEUE_SOURCE_TREE|QUEUE_WORKTREE)=' | sed 's/=\(.*\)/="\1"/')"
if [ ! -d "$QUEUE_WORKTREE/.git" ]; then
    QUEUE=$QUEUE_OF "$P/fetch-source.sh"
    QUEUE=$QUEUE_OF "$P/import.sh"
fi
if [ "$KIND" = stock ]; then
    # the unpacked Debian source: the base commit, without our patches
    SOURCE=$QUEUE_SOURCE_TREE
else
    QUEUE=$QUEUE_OF "$P/sync-status.sh"
    SOURCE=$QUEUE_WORKTREE
fi
"$P/host-meson.sh"
# QEMU's configure makes a Python venv that sees the system's packages;
# the backported Meson is put on its path (for configure and for every
# later run of Meson from ninja)
meson_path=${HOST_MESON:+$HOST_MESON/root/usr/lib/python3/dist-packages}

# configured: build.ninja written and, with a host Meson, the venv's path
# file naming it (written last: a configure stopped before it leaves a
# build.ninja whose Meson commands cannot find their module)
configured() {
    [ -f "$NINJA_DIR/build.ninja" ] || return 1
    [ -z "$meson_path" ] && return 0
    grep -qxF "$meson_path" "$NINJA_DIR"/pyvenv/lib/python3*/site-packages/host-meson.pth 2>/dev/null
}

if ! configured; then
    [ ! -d "$NINJA_DIR" ] || say "$NINJA_DIR was not fully configured (an earlier run stopped); configuring it again"
    # meson does not put ccache in front of a compiler that configure
    # names, so name ccache's own gcc when there is one
    cc=gcc
    [ -x /usr/lib/ccache/gcc ] && cc=/usr/lib/ccache/gcc
    revision=$(cat "$QUEUE_SOURCE_DIR/debian-revision")
    # QEMU 7.2 has git submodules, QEMU 8.1 and later Meson subprojects
    # (Debian's tarball carries the ones the build uses)
    if grep -q -- '--with-git-submodules' "$SOURCE/configure"; then
        fetch_opt=--with-git-submodules=ignore
    else
        fetch_opt=--disable-download
    fi
    say "configure $NINJA_DIR (x86_64-softmmu, KVM, TCG, seccomp; compiler $cc${meson_path:+; Meson $HOST_MESON_VERSION})"
    rm -rf "$NINJA_DIR"
    mkdir -p "$NINJA_DIR"
    (cd "$NINJA_DIR" && PYTHONPATH=$meson_path "$SOURCE/configure" \
        --cc="$cc" --prefix="$INSTALL_PREFIX" \
        --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu \
        --with-pkgversion="Debian $revision$PKGVERSION_NOTE" \
        --target-list=x86_64-softmmu --without-default-features \
        --enable-kvm --enable-tcg --enable-seccomp \
        --disable-docs --disable-tools --disable-user --disable-xen \
        --disable-install-blobs "$fetch_opt" \
        --audio-drv-list=) > "$LOGS/qemu$LOGSUFFIX-configure.log" 2>&1 || {
        tail -n 30 "$LOGS/qemu$LOGSUFFIX-configure.log" >&2
        rm -rf "$NINJA_DIR"
        die "QEMU's configure failed (log: $LOGS/qemu$LOGSUFFIX-configure.log); a missing -dev package is the usual cause: run 'make deps'"
    }
    if [ -n "$meson_path" ]; then
        for site in "$NINJA_DIR"/pyvenv/lib/python3*/site-packages; do
            echo "$meson_path" > "$site/host-meson.pth"
        done
    fi
fi

# A cold build takes a quarter of an hour on two cores: say how far it is
# once a minute.
total=$(ninja -C "$NINJA_DIR" -n 2>/dev/null | grep -c '^\[' || true)
say "ninja -C $NINJA_DIR: $total step(s) to run (log: $LOGS/qemu$LOGSUFFIX-ninja.log)"
start=$(date +%s)
NINJA_STATUS='[%f/%t] ' ninja -C "$NINJA_DIR" > "$LOGS/qemu$LOGSUFFIX-ninja.log" 2>&1 &
ninja_pid=$!
while :; do
    for _ in $(seq 60); do
        kill -0 "$ninja_pid" 2>/dev/null || break 2
        sleep 1
    done
    step=$(grep -o '^\[[0-9]*/[0-9]*\]' "$LOGS/qemu$LOGSUFFIX-ninja.log" | tail -n 1 || true)
    say "building ${step:-...} ($(( $(date +%s) - start )) s)"
done
if ! wait "$ninja_pid"; then
    # the failed steps and their compiler errors; head may close the pipe
    # early, which must not end the script before it says what failed
    grep -E -B2 -A12 '^FAILED:|error:' "$LOGS/qemu$LOGSUFFIX-ninja.log" | head -n 60 >&2 || true
    die "QEMU did not build; full log: $LOGS/qemu$LOGSUFFIX-ninja.log"
fi
[ "$total" -eq 0 ] || say "built in $(( $(date +%s) - start )) s"

# --only-changed keeps the binary's ctime when it did not change, so
# libvirt's capability cache stays valid
# QEMU 8 and later configure with the Meson of their venv, which must
# install what it set up
mesonbin=meson
[ -x "$NINJA_DIR/pyvenv/bin/meson" ] && mesonbin=$NINJA_DIR/pyvenv/bin/meson
"$mesonbin" install -C "$NINJA_DIR" --no-rebuild --only-changed > "$LOGS/qemu$LOGSUFFIX-install.log" 2>&1 || {
    tail -n 20 "$LOGS/qemu$LOGSUFFIX-install.log" >&2
    die "'meson install' of QEMU into $INSTALL_PREFIX failed; full log: $LOGS/qemu$LOGSUFFIX-install.log"
}
[ -x "$INSTALLED" ] || die "$INSTALLED is missing after the install (log: $LOGS/qemu$LOGSUFFIX-install.log)"
say "$KIND QEMU installed: $INSTALLED ($("$INSTALLED" --version | head -n 1))"
