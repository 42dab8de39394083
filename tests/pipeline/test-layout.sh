#!/bin/bash
# The build layout has one home, pipeline/layout.sh:
#  1. for each flavour, every driver (build, qemu-build, check,
#     check-series and the libvirt suite it runs, demo, demo-stop, bench,
#     fuzz) reports the same
#     layout, and every path that a driver uses for itself (the directory
#     it runs ninja or the tests in, the prefix of its daemons) is the
#     layout's path for that flavour;
#  2. the flavours do not share a build, a prefix or results, and neither
#     do the bases (BASE=deb12, deb13): each has its own sources, work
#     trees, builds, QEMUs and patch queues;
#  3. no file outside pipeline/layout.sh spells out a build path, the
#     injector's trigger format or a domain XML template, and the product
#     sources nothing from tests/.
. "$(dirname "$0")/../lib.sh"

# report DRIVER FLAVOUR COMMAND...: what the driver would use
report() {
    local driver=$1 flavour=$2
    shift 2
    FLAVOUR=$flavour LAYOUT_REPORT=$TMP/$driver.$flavour "$@" < /dev/null > "$TMP/out" 2>&1 ||
        { cat "$TMP/out"; fail "$driver (flavour '$flavour') did not report its layout"; }
    [ -s "$TMP/$driver.$flavour" ] || fail "$driver (flavour '$flavour') reported nothing"
}

# layout_of FLAVOUR VAR: the layout's value
layout_of() { FLAVOUR=$1 "$ROOT/pipeline/layout.sh" --print | sed -n "s/^$2=//p"; }

# expect DRIVER FLAVOUR NAME VAR: the driver's NAME is the layout's VAR
expect() {
    local got want
    got=$(sed -n "s/^$1: $3=//p" "$TMP/$1.$2")
    want=$(layout_of "$2" "$4")
    [ -n "$want" ] || fail "the layout has no $4"
    [ "$got" = "$want" ] || fail "$1 (flavour '$2') uses $3=$got, the layout says $4=$want"
}

# layout_lines DRIVER FLAVOUR: the layout part of a report
layout_lines() {
    sed -n "s/^$1: //p" "$TMP/$1.$2" | grep -E "^($(echo $(FLAVOUR=$2 "$ROOT/pipeline/layout.sh" --print | sed 's/=.*//') | tr ' ' '|'))=" | sort
}

checked=0
for flavour in '' sanitize; do
    report build "$flavour" "$ROOT/pipeline/build.sh"
    report qemu-build "$flavour" "$ROOT/pipeline/qemu-build.sh"
    report check "$flavour" "$ROOT/pipeline/check.sh"
    report check-series "$flavour" "$ROOT/pipeline/check-series.sh"
    report libvirt-tests "$flavour" "$ROOT/pipeline/libvirt-tests.sh"
    report demo "$flavour" "$ROOT/demo/demo.sh"
    report demo-stop "$flavour" "$ROOT/demo/demo-stop.sh"
    report bench "$flavour" "$ROOT/bench/bench.sh"
    report deb "$flavour" "$ROOT/pipeline/deb.sh"
    report deb-root "$flavour" "$ROOT/pipeline/deb-root.sh"
    report deb-lintian "$flavour" "$ROOT/pipeline/deb-lintian.sh"
    report check-deb "$flavour" "$ROOT/pipeline/check-deb.sh"
    report deb-qemu-estimate "$flavour" "$ROOT/pipeline/deb-qemu-estimate.sh"
    # the layout part of every report is the same
    for d in qemu-build check check-series libvirt-tests demo demo-stop bench deb deb-root deb-lintian check-deb deb-qemu-estimate; do
        diff <(layout_lines build "$flavour") <(layout_lines "$d" "$flavour") ||
            fail "$d (flavour '$flavour') reports another layout than the build"
        checked=$((checked + 1))
    done
    # the paths each driver uses for itself
    expect check "$flavour" LIBVIRT_TESTS LIBVIRT_BUILD
    expect check "$flavour" OWN_TESTS TOOLS_BUILD
    expect check "$flavour" PREFIX_USED PREFIX
    expect check-series "$flavour" NINJA_DIR LIBVIRT_BUILD
    expect check-series "$flavour" TEST_DIR LIBVIRT_BUILD
    expect check-series "$flavour" QEMU_NINJA_DIR QEMU_BUILD
    expect qemu-build "$flavour" NINJA_DIR QEMU_BUILD
    expect qemu-build "$flavour" INSTALL_PREFIX QEMU_PREFIX
    expect libvirt-tests "$flavour" TEST_DIR LIBVIRT_BUILD
    expect build "$flavour" NINJA_DIR LIBVIRT_BUILD
    expect build "$flavour" INSTALL_PREFIX PREFIX
    expect build "$flavour" TOOLS_DIR TOOLS_BUILD
    [ "$(sed -n 's/^bench: PARSE_BENCH=//p' "$TMP/bench.$flavour")" = \
      "$(layout_of "$flavour" LIBVIRT_BUILD)/tests/qemudomainxmlbench" ] ||
        fail "bench (flavour '$flavour') runs the XML benchmark of another build"
    [ "$(sed -n 's/^bench: URI=.*socket=//p' "$TMP/bench.$flavour")" = \
      "$(layout_of "$flavour" PREFIX)/var/run/libvirt/virtqemud-sock" ] ||
        fail "bench (flavour '$flavour') measures daemons of another prefix"
done

# the fuzz flavour: make fuzz builds and runs from the same directories
report build fuzz "$ROOT/pipeline/build.sh"
report fuzz fuzz "$ROOT/fuzz/fuzz.sh"
for v in LIBVIRT_BUILD TOOLS_BUILD FUZZ_DIR WORKTREE; do
    [ "$(sed -n "s/^fuzz: $v=//p" "$TMP/fuzz.fuzz")" = "$(layout_of fuzz "$v")" ] ||
        fail "fuzz uses another $v than the layout's fuzz flavour"
done
[ "$(sed -n 's/^fuzz: XML_FUZZER=//p' "$TMP/fuzz.fuzz")" = "$(layout_of fuzz LIBVIRT_BUILD)/tests/qemuxmlfuzz" ] ||
    fail "fuzz runs a qemuxmlfuzz from outside the fuzz flavour's build"
[ "$(sed -n 's/^fuzz: NOTIFY_LOG_FUZZER=//p' "$TMP/fuzz.fuzz")" = "$(layout_of fuzz TOOLS_BUILD)/fuzz/fuzz-notify-log" ] ||
    fail "fuzz runs a fuzz-notify-log from outside the fuzz flavour's tools build"
checked=$((checked + 1))

# 2. the flavours are apart
for v in LIBVIRT_BUILD PREFIX TOOLS_BUILD RESULTS GUESTS INJECTOR; do
    a=$(layout_of '' "$v") b=$(layout_of sanitize "$v") c=$(layout_of fuzz "$v")
    [ "$a" != "$b" ] && [ "$a" != "$c" ] && [ "$b" != "$c" ] ||
        fail "two flavours share $v ($a, $b, $c)"
done
# the bases are apart, and a deb13 build's stock QEMU is its own build
base_of() { BASE=$1 "$ROOT/pipeline/layout.sh" --print | sed -n "s/^$2=//p"; }
for v in APT_STATE SOURCES WORKTREE QEMU_WORKTREE PATCHES QEMU_PATCHES LIBVIRT_BUILD \
         PREFIX TOOLS_BUILD QEMU_BUILD QEMU_PREFIX QEMU_STOCK GUESTS RESULTS LOGS STOCK; do
    a=$(base_of deb12 "$v") b=$(base_of deb13 "$v")
    [ -n "$a" ] && [ "$a" != "$b" ] || fail "the bases share $v ($a)"
done
[ "$(base_of deb12 QEMU_STOCK)" = /usr/bin/qemu-system-x86_64 ] ||
    fail "deb12's stock QEMU is not the system's"
BASE=deb13 LAYOUT_REPORT=$TMP/qemu-build.stock13 "$ROOT/pipeline/qemu-build.sh" stock > "$TMP/out" 2>&1 ||
    { cat "$TMP/out"; fail "qemu-build stock (deb13) did not report its layout"; }
[ "$(sed -n 's/^qemu-build: NINJA_DIR=//p' "$TMP/qemu-build.stock13")" = "$(base_of deb13 QEMU_STOCK_BUILD)" ] &&
[ "$(sed -n 's/^qemu-build: INSTALL_PREFIX=//p' "$TMP/qemu-build.stock13")" = "$(base_of deb13 QEMU_STOCK_PREFIX)" ] ||
    fail "qemu-build stock (deb13) builds elsewhere than the layout's QEMU_STOCK_BUILD"
[ "$(base_of deb13 QEMU_STOCK)" = "$(base_of deb13 QEMU_STOCK_PREFIX)/bin/qemu-system-x86_64" ] ||
    fail "deb13's stock QEMU is not the one its build installs"
[ "$(BASE=deb13 "$ROOT/pipeline/layout.sh" --queues)" = "libvirt-fixes libvirt qemu qemu-next" ] ||
    fail "deb13's queues are not libvirt-fixes, libvirt, qemu, qemu-next"
[ "$(BASE=deb13 QUEUE=libvirt "$ROOT/pipeline/layout.sh" --print | sed -n 's/^QUEUE_BELOW=//p')" = libvirt-fixes ] ||
    fail "deb13's libvirt queue does not sit on libvirt-fixes"
if BASE=deb12 QUEUE=qemu-next "$ROOT/pipeline/layout.sh" --print > "$TMP/out" 2>&1; then
    fail "deb12 took a qemu-next queue"
fi
grep -q "BASE deb12 has no queue 'qemu-next'" "$TMP/out" || fail "a queue the base lacks is not named: $(cat "$TMP/out")"
checked=$((checked + 6))
# the sanitized daemons run with the fork guard of their own build
[ "$(layout_of sanitize FORK_GUARD)" = "$(layout_of sanitize TOOLS_BUILD)/harness/fork-guard/libfork-guard.so" ] ||
    fail "the fork guard is not in the sanitize flavour's tools build"

# 3. one place each: no other file spells out a build path, the trigger
# format or a domain XML template
cd "$ROOT"
files=$(git ls-files -co --exclude-standard Makefile meson.build pipeline harness demo bench fuzz tests |
        grep -Ev '\.(md|xml|tsv|txt|patch|dict)$|^pipeline/layout\.sh$|^tests/pipeline/test-layout\.sh$')
problems=$(grep -nE 'libvirt-build|prefix(-sanitize)?/|tools/tools|x86_64-linux-gnu|build/(source|libvirt|guests|results|tools)' $files |
           grep -vE '^[^:]+:[0-9]+:\s*#' || true)
[ -z "$problems" ] || fail "build paths spelled out outside pipeline/layout.sh:
$problems"
problems=$(grep -nE "\.trigger[\"']|\.inject\.log|log-fill |NOTIFY_INJECT_(TRIGGER|LOG)" $files |
           grep -vE '^harness/injector\.py:|^harness/injector/notify-injector\.c:|^[^:]+:[0-9]+:\s*#' || true)
[ -z "$problems" ] || fail "the injector's trigger protocol outside harness/injector.py:
$problems"
problems=$(grep -nE "<domain type=" $files | grep -vE '^harness/guest\.sh:' || true)
[ -z "$problems" ] || fail "a domain XML template outside harness/guest.sh:
$problems"
# and the product (pipeline, harness, demo, bench, fuzz) sources nothing
# from the test tree
problems=$(grep -nE '^\s*(\.|source) .*tests/' $(git ls-files -co --exclude-standard pipeline harness demo bench fuzz) || true)
[ -z "$problems" ] || fail "the product sources the test tree:
$problems"
checked=$((checked + 4))
echo "layout: $checked checks passed (flavours '', sanitize, fuzz; bases deb12, deb13)"
