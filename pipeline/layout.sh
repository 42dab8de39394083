# The build layout: the one place that maps the build parameters to paths.
# Sourced by every driver (pipeline, harness, demo, bench, fuzz, tests);
# nothing else works a build path out for itself.
#
# Parameters, from the environment (the Makefile passes them on):
#   BUILD    where everything generated goes (default: build/ in the repo)
#   FLAVOUR  '' (the normal build), 'sanitize' (ASan + UBSan, make
#            SANITIZE=1) or 'fuzz' (clang, libFuzzer; make fuzz)
#   BASE     deb12 (default): Debian 12's libvirt 9.0.0 and QEMU 7.2;
#            deb13: Debian 13's libvirt 11.3.0 and QEMU 10.0.  Each base has
#            its own patch queues (patches/BASE/QUEUE) and its own build
#            tree: deb12's is BUILD itself, any other base's is BUILD/BASE
#   QUEUE    libvirt (default) or qemu: the patch queue that the queue
#            drivers (fetch-source, import, export, sync-status) work on.
#            deb13 has two more: libvirt-fixes, the fixes of libvirt bugs
#            that the fuzzer found, a series of its own that the libvirt
#            queue sits on (its patches are part of that queue's base);
#            and qemu-next, the QEMU series on the newest QEMU release
#            Debian serves (built and tested by check-series, not by make
#            check).  BASE_QUEUES lists a base's queues, lower ones first
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
# Each base: its Debian source packages, one line a queue: package,
# upstream version, the hash the upstream tarball must have, and the
# revision the queue was written against (a later revision on the same
# tarball is taken, with a note); the Debian suites whose deb-src indexes
# offer them (derived from the system's apt sources, whose own suite names
# are replaced); and the directory its builds go to.
case "$BASE" in
    deb12)
        LIBVIRT_SRC="libvirt 9.0.0 deca5cff1b7baac297bca9663907c61f71a47183371dc7ac019c107806d5435a 9.0.0-4+deb12u2"
        QEMU_SRC="qemu 7.2+dfsg 91aca71520040edc40b8d437aa3004dae614f58e286cf653ee8996c07af2962f 1:7.2+dfsg-7+deb12u18"
        QEMU_NEXT_SRC=
        BASE_SUITES="bookworm bookworm-updates bookworm-security"
        BASE_BUILD=$BUILD
        HOST_MESON_VERSION=
        BASE_QUEUES="libvirt qemu"
        ;;
    deb13)
        LIBVIRT_SRC="libvirt 11.3.0 6bcb0c42c4580436fea262ced56f68a6afe20f7390b1bea2116718cc034a0283 11.3.0-3+deb13u3"
        QEMU_SRC="qemu 10.0.13+ds 6a0888e806c2ffc0c5f0733e974f9aea55491950d3c47c98669c8b236dde59ae 1:10.0.13+ds-0+deb13u1"
        QEMU_NEXT_SRC="qemu 10.2.2+ds be05230fe47a6937cd29f28f562932c8125f9c93c2a82c625198f7a4aa601dfb 1:10.2.2+ds-1"
        BASE_SUITES="trixie trixie-updates trixie-security sid"
        BASE_BUILD=$BUILD/deb13
        # QEMU 10 needs Meson >= 1.5 and Debian 12 has 1.0.1: the QEMU
        # builds use Debian 12's backport, unpacked under the base's build
        # directory (pipeline/host-meson.sh), never installed
        HOST_MESON_VERSION=1.7.0-1~bpo12+1
        BASE_QUEUES="libvirt-fixes libvirt qemu qemu-next"
        ;;
    *) echo "layout: error: unknown BASE '$BASE' (known: deb12, deb13)" >&2
       return 1 2>/dev/null || exit 1 ;;
esac
case " $BASE_QUEUES " in
    *" $QUEUE "*) ;;
    *) echo "layout: error: BASE $BASE has no queue '$QUEUE' (its queues: $BASE_QUEUES)" >&2
       return 1 2>/dev/null || exit 1 ;;
esac
# SRC_QUEUE: the queue whose Debian source a queue is built on;
# QUEUE_BELOW: the queues whose patches are part of a queue's base
QUEUE_BELOW=
case "$QUEUE" in
    libvirt|libvirt-fixes)
        SRC_QUEUE=libvirt
        read -r SRC_PACKAGE SRC_UPSTREAM SRC_ORIG_SHA256 SRC_KNOWN_REVISION <<< "$LIBVIRT_SRC"
        case " $BASE_QUEUES " in
            *" libvirt-fixes "*) [ "$QUEUE" = libvirt ] && QUEUE_BELOW=libvirt-fixes ;;
        esac ;;
    qemu)
        SRC_QUEUE=qemu
        read -r SRC_PACKAGE SRC_UPSTREAM SRC_ORIG_SHA256 SRC_KNOWN_REVISION <<< "$QEMU_SRC" ;;
    qemu-next)
        SRC_QUEUE=qemu-next
        read -r SRC_PACKAGE SRC_UPSTREAM SRC_ORIG_SHA256 SRC_KNOWN_REVISION <<< "$QEMU_NEXT_SRC" ;;
esac

SUFFIX=${FLAVOUR:+-$FLAVOUR}
# where Meson on this system puts libraries below a prefix
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)

# the patch queues, their Debian sources and work trees (QUEUE_*: the
# queue that QUEUE selects, for the queue drivers)
APT_STATE=$BASE_BUILD/apt
SOURCES=$BASE_BUILD/source
PATCHES=$ROOT/patches/$BASE/libvirt
SOURCE_DIR=$SOURCES/libvirt
WORKTREE=$BASE_BUILD/libvirt
QEMU_PATCHES=$ROOT/patches/$BASE/qemu
QEMU_SOURCE_DIR=$SOURCES/qemu
QEMU_WORKTREE=$BASE_BUILD/qemu
QUEUE_PATCHES=$ROOT/patches/$BASE/$QUEUE
QUEUE_SOURCE_DIR=$SOURCES/$SRC_QUEUE
QUEUE_SOURCE_TREE=$QUEUE_SOURCE_DIR/$SRC_PACKAGE-$SRC_UPSTREAM
QUEUE_WORKTREE=$BASE_BUILD/$QUEUE
# libvirt's Meson build of the work tree and its private install
LIBVIRT_BUILD=$BASE_BUILD/libvirt-build$SUFFIX
PREFIX=$BASE_BUILD/prefix$SUFFIX
PREFIX_LIBDIR=$PREFIX/lib/$MULTIARCH
# our own C (injector, fork guard, benchmark clients, fuzz target) and
# our own test suites, one Meson build a flavour
TOOLS_BUILD=$BASE_BUILD/tools$SUFFIX
INJECTOR=$TOOLS_BUILD/harness/injector/libnotify-injector.so
FORK_GUARD=$TOOLS_BUILD/harness/fork-guard/libfork-guard.so
BENCH_TOOLS=$TOOLS_BUILD/bench
PARSE_BENCH=$LIBVIRT_BUILD/tests/qemudomainxmlbench
FUZZ_DIR=$BASE_BUILD/fuzz
# the patched QEMU: one build for every flavour (QEMU is not what the
# sanitizers and the fuzzer look at), installed in a prefix of its own;
# and the stock QEMU of the base, which the same tests run against (the
# fallback path of libvirt, on log evidence): deb12's is the system's
# (Debian 12's QEMU 7.2); Debian 13's QEMU packages do not install on
# this Debian 12 host, so deb13's is built here from the queue's base
# commit (Debian 13's source with Debian's patches, none of ours) into a
# prefix of its own (QEMU_STOCK_BUILD, QEMU_STOCK_PREFIX; empty for deb12)
QEMU_BUILD=$BASE_BUILD/qemu-build
QEMU_PREFIX=$BASE_BUILD/qemu-prefix
# deb13's qemu-next queue: the QEMU series on the newest QEMU release
# Debian serves, built by 'qemu-build.sh next' and check-series only
if [ -n "$QEMU_NEXT_SRC" ]; then
    QEMU_NEXT_WORKTREE=$BASE_BUILD/qemu-next
    QEMU_NEXT_BUILD=$BASE_BUILD/qemu-next-build
    QEMU_NEXT_PREFIX=$BASE_BUILD/qemu-next-prefix
else
    QEMU_NEXT_WORKTREE= QEMU_NEXT_BUILD= QEMU_NEXT_PREFIX=
fi
HOST_MESON=${HOST_MESON_VERSION:+$BASE_BUILD/host-meson}
QEMU_PATCHED=$QEMU_PREFIX/bin/qemu-system-x86_64
if [ "$BASE" = deb12 ]; then
    QEMU_STOCK_BUILD=
    QEMU_STOCK_PREFIX=
    QEMU_STOCK=/usr/bin/qemu-system-x86_64
else
    QEMU_STOCK_BUILD=$BASE_BUILD/qemu-stock-build
    QEMU_STOCK_PREFIX=$BASE_BUILD/qemu-stock-prefix
    QEMU_STOCK=$QEMU_STOCK_PREFIX/bin/qemu-system-x86_64
fi
# what runs: guests, results, logs of the steps
GUESTS=$BASE_BUILD/guests$SUFFIX${INSTANCE:+/$INSTANCE}
RESULTS=$BASE_BUILD/results$SUFFIX
INSTANCES=$RESULTS/instances
LOGS=$BASE_BUILD/logs$SUFFIX
# Debian's own, unpatched libvirt daemon of the base's revision, extracted
# from its packages (pipeline/fetch-stock.sh) for the downgrade test: the
# same binaries for every flavour
STOCK=$BASE_BUILD/stock
# make deb: Debian's libvirt package rebuilt with the series (DEB_WORK, the
# copy of Debian's tree it builds in), the .deb files (DEB_OUT), the
# version suffix on Debian's revision and the changelog's maintainer; make
# check-deb: the clean Debian 12 root (DEB_ROOT)
DEB_WORK=$BASE_BUILD/deb/work
DEB_OUT=$BASE_BUILD/deb/out
DEB_ROOT=$BASE_BUILD/deb/root
# make deb-qemu-estimate: a build root for Debian's QEMU package
DEB_QEMU_ROOT=$BASE_BUILD/deb/qemu-root
DEB_VERSION_SUFFIX=+notify1
DEB_MAINTAINER="Notify VM exit series <notify-vmexit@series.invalid>"

LAYOUT_VARS="ROOT BUILD FLAVOUR BASE QUEUE SRC_PACKAGE SRC_UPSTREAM MULTIARCH
BASE_BUILD BASE_SUITES BASE_QUEUES SRC_QUEUE QUEUE_BELOW APT_STATE SOURCES PATCHES SOURCE_DIR WORKTREE QEMU_PATCHES QEMU_SOURCE_DIR
QEMU_WORKTREE QUEUE_PATCHES QUEUE_SOURCE_DIR QUEUE_SOURCE_TREE QUEUE_WORKTREE
LIBVIRT_BUILD PREFIX PREFIX_LIBDIR TOOLS_BUILD INJECTOR FORK_GUARD BENCH_TOOLS
PARSE_BENCH FUZZ_DIR QEMU_BUILD QEMU_PREFIX HOST_MESON QEMU_PATCHED QEMU_STOCK_BUILD
QEMU_STOCK_PREFIX QEMU_STOCK QEMU_NEXT_WORKTREE QEMU_NEXT_BUILD QEMU_NEXT_PREFIX GUESTS
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

# layout_only_base BASE DRIVER WHY: a driver that exists for one base
# only stops with WHY when the build is of another
layout_only_base() {
    [ "$BASE" = "$1" ] && return 0
    echo "$2: error: not for BASE=$BASE: $3" >&2
    exit 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "${1:-}" in
        --print) layout_print ;;
        # the base's queues, lower ones first (the Makefile's default)
        --queues) echo "$BASE_QUEUES" ;;
    esac
fi
