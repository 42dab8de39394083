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
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: the clean root (mmdebstrap --mode=root, mount and PID namespaces) needs root"
    exit 77
fi
exec "$ROOT/pipeline/check-deb.sh"
