#!/bin/bash
# Inside the build root of pipeline/deb-qemu-estimate.sh, in Debian's QEMU
# source tree (/build/<tree>), one phase at a time:
#   deps               apt-get build-dep --arch-only (what 'dpkg-buildpackage -B' needs)
#   configure          debian/rules configure-arch: every build of Debian's rules
#   count              "NAME STEPS" a line: the ninja steps left in each build
#   build SECONDS      debian/rules build-arch, stopped after SECONDS
set -uo pipefail
cd /build/*/ || exit 1
export DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)"
export DEBIAN_FRONTEND=noninteractive

# the ninja targets each build of debian/rules builds (build-qemu,
# build-microvm, build-xen, build-user-static)
targets() {
    case $1 in
        qemu) echo "" ;;
        microvm) echo qemu-system-x86_64 ;;
        xen) echo qemu-system-i386 ;;
        user-static) make -s -f debian/rules -pn 2>/dev/null | sed -n 's/^user_targets = //p' | head -1 |
                         tr -s ' ' '\n' | sed '/^$/d; s/^/qemu-/' | tr '\n' ' ' ;;
    esac
}

case $1 in
    deps)
        apt-get -q update && apt-get -q -y build-dep --arch-only . ;;
    configure)
        debian/rules configure-arch ;;
    count)
        for d in b/*/; do
            d=${d%/}
            name=${d#b/}
            [ -f "$d/build.ninja" ] || continue
            t=$(targets "$name")
            # "[k/N] ..." lines of a dry run; N is what is left to do
            n=$(ninja -C "$d" -n $t 2>/dev/null | sed -n 's|^\[[0-9]*/\([0-9]*\)\].*|\1|p' | tail -1)
            echo "$name ${n:-0}"
        done ;;
    build)
        timeout "$2" debian/rules build-arch
        rc=$?
        # 124: stopped at the limit
        [ "$rc" -eq 124 ] && exit 0
        exit "$rc" ;;
    *) echo "usage: $0 deps | configure | count | build SECONDS" >&2; exit 2 ;;
esac
