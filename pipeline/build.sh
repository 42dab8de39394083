#!/bin/bash
# make: fetch and import the first time, configure the flavour's libvirt
# build the first time, then ninja (incremental, ccache), install into the
# flavour's private prefix, and build our own C and test suites (Meson).
#
# The fuzz flavour builds only what 'make fuzz' runs (the fuzz targets, the
# libraries and mocks they need) and installs nothing.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
P=$ROOT/pipeline
layout_report build "NINJA_DIR=$LIBVIRT_BUILD" "INSTALL_PREFIX=$PREFIX" "TOOLS_DIR=$TOOLS_BUILD"
mkdir -p "$LOGS"

if [ ! -d "$WORKTREE/.git" ]; then
    "$P/fetch-source.sh"
    "$P/import.sh"
fi
"$P/configure.sh"
"$P/sync-status.sh"

targets=()
if [ "$FLAVOUR" = fuzz ]; then
    # Ninja knows the library by its versioned name (src/libvirt.so.0.9000.0
    # on 9.0.0); linking it makes the src/libvirt.so that fuzz-notify-log
    # links against
    lib=$(ninja -C "$LIBVIRT_BUILD" -t targets all | sed -n 's|^\(src/libvirt\.so\.[0-9.]*\): c_LINKER$|\1|p')
    [ -n "$lib" ] || {
        echo "build: error: $LIBVIRT_BUILD has no target for src/libvirt.so.*; remove the directory and run 'make fuzz' again" >&2
        exit 1; }
    targets=(tests/qemuxmlfuzz tests/libqemuxml2argvmock.so tests/libdomaincapsmock.so
             tests/libvirrandommock.so tests/libqemucpumock.so "$lib")
fi
echo "build: ninja -C $LIBVIRT_BUILD ${targets[*]} (log: $LOGS/ninja.log)"
ninja -C "$LIBVIRT_BUILD" "${targets[@]}" > "$LOGS/ninja.log" 2>&1 || {
    grep -E -B2 -A12 '^FAILED:|error:' "$LOGS/ninja.log" | head -n 60 >&2 || true
    echo "build: error: libvirt did not build; full log: $LOGS/ninja.log" >&2
    exit 1; }
if [ "$FLAVOUR" != fuzz ]; then
    # --only-changed keeps unchanged files (and their ctimes) as they are:
    # libvirt's QEMU capability cache stays valid across builds
    meson install -C "$LIBVIRT_BUILD" --only-changed > "$LOGS/install.log" 2>&1 || {
        tail -n 20 "$LOGS/install.log" >&2
        echo "build: error: 'meson install' into $PREFIX failed; full log: $LOGS/install.log" >&2
        exit 1; }
    echo "build: libvirt built in $LIBVIRT_BUILD, installed in $PREFIX"
fi

# Our own C and test suites: one Meson build a flavour, set up from the
# repository, linked against the flavour's libvirt (the fuzz flavour: with
# clang, the fuzz target only, against the work tree's sources).
if [ ! -f "$TOOLS_BUILD/build.ninja" ]; then
    opts=(-Dflavour="${FLAVOUR:-plain}" -Dlayout_build="$BUILD" -Dbase="$BASE")
    if [ "$FLAVOUR" = fuzz ]; then
        export CC=clang
        opts+=(-Dlibvirt_worktree="$WORKTREE" -Dlibvirt_build="$LIBVIRT_BUILD")
    else
        opts+=(-Dpkg_config_path="$PREFIX_LIBDIR/pkgconfig")
    fi
    meson setup "${opts[@]}" "$TOOLS_BUILD" "$ROOT" > "$LOGS/tools-setup.log" 2>&1 || {
        cat "$LOGS/tools-setup.log" >&2
        rm -rf "$TOOLS_BUILD"
        echo "build: error: meson setup of our own C and tests failed (log: $LOGS/tools-setup.log)" >&2
        exit 1; }
fi
ninja -C "$TOOLS_BUILD" > "$LOGS/tools.log" 2>&1 || {
    cat "$LOGS/tools.log" >&2
    echo "build: error: our own C did not build (log: $LOGS/tools.log)" >&2
    exit 1; }
echo "build: our own C and tests built in $TOOLS_BUILD"
