#!/bin/bash
# Install with apt everything the build, the tests and the demo need.
# Idempotent: when every package is installed it only checks and exits.
set -euo pipefail

PACKAGES=(
    # build tools
    gcc make meson ninja-build ccache pkg-config git dpkg-dev xz-utils
    perl python3 python3-docutils xsltproc libxml2-utils augeas-tools
    bash-completion
    # vshtabletest needs the en_US.UTF-8 locale (prebuilt, no locale-gen)
    locales-all
    # libraries of the drivers we build (qemu, remote, daemons, test)
    libglib2.0-dev libxml2-dev libgnutls28-dev libtirpc-dev libyajl-dev
    libreadline-dev libcap-ng-dev libnl-3-dev libnl-route-3-dev libudev-dev
    libpciaccess-dev libacl1-dev libattr1-dev libselinux1-dev libblkid-dev
    libdevmapper-dev libnuma-dev libtasn1-6-dev
    # libvirt 11 (BASE=deb13) reads JSON with json-c instead of yajl
    libjson-c-dev
    # the hypervisor for the end-to-end tests and the demo
    qemu-system-x86 qemu-utils
    # the patched QEMU's build (pipeline/qemu-build.sh); QEMU 10
    # (BASE=deb13) makes a Python venv for its build
    libpixman-1-dev libseccomp-dev libfdt-dev python3-venv
    # make fuzz: libFuzzer with ASan and UBSan
    clang libclang-rt-14-dev
    # make deb (Debian's packaging tools; the package's own build-dependencies
    # are installed by pipeline/deb.sh from its debian/control), make check-deb
    debhelper fakeroot lintian mmdebstrap
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f '${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#PACKAGES[@]} packages are installed"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: error: missing packages: ${missing[*]}; run 'make deps' as root (apt-get install)" >&2
    exit 1
fi
echo "deps: installing ${#missing[@]} package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -q update
apt-get -q install -y --no-install-recommends "${missing[@]}"
echo "deps: done"
