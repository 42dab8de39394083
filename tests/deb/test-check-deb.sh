#!/bin/bash
# make check-deb inside 'make check' (suite 'deb', which pipeline/check.sh
# runs after the other suites, alone): the packages of 'make deb' in a
# clean Debian 12 root.  .ci/run builds them first; without them (a plain
# 'make check') the test is skipped and says so.
. "$(dirname "$0")/../../pipeline/layout.sh"
if [ "$BASE" != deb12 ]; then
    echo "SKIP: only Debian 12's libvirt is packaged (BASE=deb12); this is BASE=$BASE"
    exit 77
fi
if [ -n "$FLAVOUR" ]; then
    echo "SKIP: the packages are the same for every flavour; the plain 'make check' runs them"
    exit 77
fi
if ! compgen -G "$DEB_OUT/*.deb" > /dev/null; then
    echo "SKIP: no packages in $DEB_OUT: run 'make deb' first (.ci/run does)"
    exit 77
fi
# its guests run on the root's QEMU/KVM (upgrade and downgrade with
# running guests, the demo, the notify-exit scenarios)
why=$(. "$ROOT/harness/lib.sh" && h_kvm_why_not)
if [ -n "$why" ]; then
    echo "SKIP: $why: the clean root runs its guests on QEMU/KVM (the packages were built; 'make check-deb' on a host with KVM tests them)"
    exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: the clean root (mmdebstrap --mode=root, mount and PID namespaces) needs root"
    exit 77
fi
exec "$ROOT/pipeline/check-deb.sh"
