# The build layout: the one place that maps the build parameters to paths.
# Sourced by every driver (pipeline, harness, demo, bench, fuzz, tests);
# nothing else works a build path out for itself.
#
# Parameters, from the environment (the Makefile passes them on):
#   BUILD    where everything generated goes (default: build/ in the repo)
#   FLAVOUR  '' (the normal build), 'sanitize' (ASan + UBSan, make
#            SANITIZE=1) or 'fuzz' (clang, libFuzzer; make fuzz)
#   BASE     deb12: Debian 12's libvirt 9.0.0 and QEMU 7.2 (the only base
#            today)
#   QUEUE    libvirt (default) or qemu: the patch queue that the queue
#            drivers (fetch-source, import, export, sync-status) work on
#   INSTANCE the name of a private set of daemons (harness/instance.sh:
#            each test has its own, so that tests run side by side); its
#            guests get a directory of their own
#
# 'layout.sh --print' (or layout_print after sourcing) prints every path,
# one NAME=VALUE a line: the layout test compares what each driver uses.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath -m "${BUILD:-$ROOT/build}")
FLAVOUR=${FLAVOUR:-}
BASE=${BASE:-deb12}
QUEUE=${QUEUE:-libvirt}
INSTANCE=${INSTANCE:-}

case "$FLAVOUR" in
    ''|sanitize|fuzz) ;;
    *) echo "layout: error: unknown FLAVOUR '$FLAVOUR' (known: '', sanitize, fuzz)" >&2
       return 1 2>/dev/null || exit 1 ;;
esac
case "$BASE" in
    deb12)
        # Debian 12's source packages, one line a queue: package, upstream
        # version, the hash the upstream tarball must have, and the
        # revision the queue was written against (a later deb12uN on the
        # same tarball is taken, with a note)
        LIBVIRT_SRC="libvirt 9.0.0 deca5cff1b7baac297bca9663907c61f71a47183371dc7ac019c107806d5435a 9.0.0-4+deb12u2"
        QEMU_SRC="qemu 7.2+dfsg 91aca71520040edc40b8d437aa3004dae614f58e286cf653ee8996c07af2962f 1:7.2+dfsg-7+deb12u18"
        ;;
    *) echo "layout: error: unknown BASE '$BASE' (known: deb12)" >&2
       return 1 2>/dev/null || exit 1 ;;
esac
case "$QUEUE" in
    libvirt) read -r SRC_PACKAGE SRC_UPSTREAM SRC_ORIG_SHA256 SRC_KNOWN_REVISION <<< "$LIBVIRT_SRC" ;;
    qemu) read -r SRC_PACKAGE SRC_UPSTREAM SRC_ORIG_SHA256 SRC_KNOWN_REVISION <<< "$QEMU_SRC" ;;
    *) echo "layout: error: unknown QUEUE '$QUEUE' (known: libvirt, qemu)" >&2
       return 1 2>/dev/null || exit 1 ;;
esac

SUFFIX=${FLAVOUR:+-$FLAVOUR}
# where Meson on this system puts libraries below a prefix
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)

# the patch queues, their Debian sources and work trees (QUEUE_*: the
# queue that QUEUE selects, for the queue drivers)
APT_STATE=$BUILD/apt
SOURCES=$BUILD/source
PATCHES=$ROOT/patches/libvirt
SOURCE_DIR=$SOURCES/libvirt
WORKTREE=$BUILD/libvirt
QEMU_PATCHES=$ROOT/patches/qemu
QEMU_SOURCE_DIR=$SOURCES/qemu
QEMU_WORKTREE=$BUILD/qemu
QUEUE_PATCHES=$ROOT/patches/$QUEUE
QUEUE_SOURCE_DIR=$SOURCES/$QUEUE
QUEUE_SOURCE_TREE=$QUEUE_SOURCE_DIR/$SRC_PACKAGE-$SRC_UPSTREAM
QUEUE_WORKTREE=$BUILD/$QUEUE
# libvirt's Meson build of the work tree and its private install
LIBVIRT_BUILD=$BUILD/libvirt-build$SUFFIX
PREFIX=$BUILD/prefix$SUFFIX
PREFIX_LIBDIR=$PREFIX/lib/$MULTIARCH
# our own C (injector, fork guard, benchmark clients, fuzz target) and
# our own test suites, one Meson build a flavour
TOOLS_BUILD=$BUILD/tools$SUFFIX
INJECTOR=$TOOLS_BUILD/harness/injector/libnotify-injector.so
FORK_GUARD=$TOOLS_BUILD/harness/fork-guard/libfork-guard.so
BENCH_TOOLS=$TOOLS_BUILD/bench
PARSE_BENCH=$LIBVIRT_BUILD/tests/qemudomainxmlbench
FUZZ_DIR=$BUILD/fuzz
# the patched QEMU: one build for every flavour (QEMU is not what the
# sanitizers and the fuzzer look at), installed in a prefix of its own;
# and Debian's QEMU 7.2, which the same tests run against (the fallback
# path of libvirt, on log evidence)
QEMU_BUILD=$BUILD/qemu-build
QEMU_PREFIX=$BUILD/qemu-prefix
QEMU_PATCHED=$QEMU_PREFIX/bin/qemu-system-x86_64
QEMU_STOCK=/usr/bin/qemu-system-x86_64
# what runs: guests, results, logs of the steps
GUESTS=$BUILD/guests$SUFFIX${INSTANCE:+/$INSTANCE}
RESULTS=$BUILD/results$SUFFIX
INSTANCES=$RESULTS/instances
LOGS=$BUILD/logs$SUFFIX
# Debian's own, unpatched libvirt daemon of the base's revision, extracted
# from its packages (pipeline/fetch-stock.sh) for the downgrade test: the
# same binaries for every flavour
STOCK=$BUILD/stock
# make deb: Debian's libvirt package rebuilt with the series (DEB_WORK, the
# copy of Debian's tree it builds in), the .deb files (DEB_OUT), the
# version suffix on Debian's revision and the changelog's maintainer; make
# check-deb: the clean Debian 12 root (DEB_ROOT)
DEB_WORK=$BUILD/deb/work
DEB_OUT=$BUILD/deb/out
DEB_ROOT=$BUILD/deb/root
# make deb-qemu-estimate: a build root for Debian's QEMU package
DEB_QEMU_ROOT=$BUILD/deb/qemu-root
DEB_VERSION_SUFFIX=+notify1
DEB_MAINTAINER="Notify VM exit series <notify-vmexit@series.invalid>"

LAYOUT_VARS="ROOT BUILD FLAVOUR BASE QUEUE SRC_PACKAGE SRC_UPSTREAM MULTIARCH
APT_STATE SOURCES PATCHES SOURCE_DIR WORKTREE QEMU_PATCHES QEMU_SOURCE_DIR
QEMU_WORKTREE QUEUE_PATCHES QUEUE_SOURCE_DIR QUEUE_SOURCE_TREE QUEUE_WORKTREE
LIBVIRT_BUILD PREFIX PREFIX_LIBDIR TOOLS_BUILD INJECTOR FORK_GUARD BENCH_TOOLS
PARSE_BENCH FUZZ_DIR QEMU_BUILD QEMU_PREFIX QEMU_PATCHED QEMU_STOCK GUESTS
RESULTS INSTANCES LOGS STOCK DEB_WORK DEB_OUT DEB_ROOT DEB_QEMU_ROOT"
export BUILD FLAVOUR BASE INSTANCE

layout_print() {
    local v
    for v in $LAYOUT_VARS; do
        printf '%s=%s\n' "$v" "${!v}"
    done
}

# layout_report DRIVER NAME=VALUE...: with LAYOUT_REPORT=FILE set, a driver
# writes the paths it is about to use (the layout's, and any that it
# derived) to FILE and exits without doing anything: the layout test
# compares the reports of all drivers.
layout_report() {
    [ -n "${LAYOUT_REPORT:-}" ] || return 0
    local driver=$1 kv
    shift
    {
        layout_print | sed "s/^/$driver: /"
        for kv in "$@"; do
            echo "$driver: $kv"
        done
    } > "$LAYOUT_REPORT"
    exit 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = --print ]; then
    layout_print
fi
