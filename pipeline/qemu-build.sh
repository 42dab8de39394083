#!/bin/bash
# make qemu (and make, make check): the patched QEMU.  Fetch and import
# its queue the first time, configure once, then ninja (incremental,
# ccache) and install into its own prefix, never over the system's QEMU.
#
# Only what the tests and the demo run is built: qemu-system-x86_64 with
# KVM and TCG (libvirt probes both, as it does Debian's QEMU), the x86
# devices and seccomp; no tools, documentation or user-mode emulation.  The
# firmware is Debian's (seabios, ipxe), found through the same firmware
# path as Debian's own QEMU.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
P=$ROOT/pipeline
layout_report qemu-build "NINJA_DIR=$QEMU_BUILD" "INSTALL_PREFIX=$QEMU_PREFIX"
mkdir -p "$LOGS"

say() { echo "qemu-build: $*"; }
die() { echo "qemu-build: error: $*" >&2; exit 1; }

if [ ! -d "$QEMU_WORKTREE/.git" ]; then
    QUEUE=qemu "$P/fetch-source.sh"
    QUEUE=qemu "$P/import.sh"
fi
QUEUE=qemu "$P/sync-status.sh"

if [ ! -f "$QEMU_BUILD/build.ninja" ]; then
    # meson does not put ccache in front of a compiler that configure
    # names, so name ccache's own gcc when there is one
    cc=gcc
    [ -x /usr/lib/ccache/gcc ] && cc=/usr/lib/ccache/gcc
    revision=$(cat "$QEMU_SOURCE_DIR/debian-revision")
    say "configure $QEMU_BUILD (x86_64-softmmu, KVM, TCG, seccomp; compiler $cc)"
    rm -rf "$QEMU_BUILD"
    mkdir -p "$QEMU_BUILD"
    (cd "$QEMU_BUILD" && "$QEMU_WORKTREE/configure" \
        --cc="$cc" --prefix="$QEMU_PREFIX" \
        --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu \
        --with-pkgversion="Debian $revision, notify-vmexit series" \
        --target-list=x86_64-softmmu --without-default-features \
        --enable-kvm --enable-tcg --enable-seccomp \
        --disable-docs --disable-tools --disable-user --disable-xen \
        --disable-install-blobs --with-git-submodules=ignore \
        --audio-drv-list=) > "$LOGS/qemu-configure.log" 2>&1 || {
        tail -n 30 "$LOGS/qemu-configure.log" >&2
        rm -rf "$QEMU_BUILD"
        die "QEMU's configure failed (log: $LOGS/qemu-configure.log); a missing -dev package is the usual cause: run 'make deps'"
    }
fi

# A cold build takes a quarter of an hour on two cores: say how far it is
# once a minute.
total=$(ninja -C "$QEMU_BUILD" -n 2>/dev/null | grep -c '^\[' || true)
say "ninja -C $QEMU_BUILD: $total step(s) to run (log: $LOGS/qemu-ninja.log)"
start=$(date +%s)
NINJA_STATUS='[%f/%t] ' ninja -C "$QEMU_BUILD" > "$LOGS/qemu-ninja.log" 2>&1 &
ninja_pid=$!
while :; do
    for _ in $(seq 60); do
        kill -0 "$ninja_pid" 2>/dev/null || break 2
        sleep 1
    done
    step=$(grep -o '^\[[0-9]*/[0-9]*\]' "$LOGS/qemu-ninja.log" | tail -n 1 || true)
    say "building ${step:-...} ($(( $(date +%s) - start )) s)"
done
if ! wait "$ninja_pid"; then
    grep -E -B2 -A12 'error|FAILED' "$LOGS/qemu-ninja.log" | head -n 60 >&2
    die "QEMU did not build; full log: $LOGS/qemu-ninja.log"
fi
[ "$total" -eq 0 ] || say "built in $(( $(date +%s) - start )) s"

# --only-changed keeps the binary's ctime when it did not change, so
# libvirt's capability cache stays valid
meson install -C "$QEMU_BUILD" --no-rebuild --only-changed > "$LOGS/qemu-install.log" 2>&1 || {
    tail -n 20 "$LOGS/qemu-install.log" >&2
    die "'meson install' of QEMU into $QEMU_PREFIX failed; full log: $LOGS/qemu-install.log"
}
[ -x "$QEMU_PATCHED" ] || die "$QEMU_PATCHED is missing after the install (log: $LOGS/qemu-install.log)"
say "patched QEMU installed: $QEMU_PATCHED ($("$QEMU_PATCHED" --version | head -n 1))"
