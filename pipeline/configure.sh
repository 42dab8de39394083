#!/bin/bash
# Configure the Meson build of the work tree for the flavour (once; later
# runs reuse it).
#
# FLAVOUR=sanitize (make SANITIZE=1) configures a second build instrumented
# with AddressSanitizer and UndefinedBehaviorSanitizer (GCC, as the normal
# build), without the documentation, which has no C code to check.
# FLAVOUR=fuzz (make fuzz) configures a clang build with the libFuzzer
# targets.  pipeline/layout.sh names the directories.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
SETUPLOG=$LOGS/meson-setup.log
mkdir -p "$LOGS"

if [ -f "$LIBVIRT_BUILD/build.ninja" ]; then
    exit 0
fi
case "$FLAVOUR" in
    '') flavour_args=(-Ddocs=enabled)
        echo "configure: meson setup $LIBVIRT_BUILD (qemu, remote, virtqemud/libvirtd, virtlogd, test driver, docs, tests)" ;;
    sanitize)
        # libvirt links its modules with -z defs unless sanitizing; with
        # ASan the runtime resolves symbols at run time (b_lundef=false)
        flavour_args=(-Ddocs=disabled -Db_sanitize=address,undefined -Db_lundef=false)
        echo "configure: meson setup $LIBVIRT_BUILD (as the normal build, with ASan and UBSan, no docs)" ;;
    fuzz)
        # make fuzz: clang, libFuzzer coverage everywhere (-Dfuzz), ASan, UBSan
        export CC=clang
        # Clang, unlike GCC, reports unused g_autofree variables, and
        # libvirt 11.3.0 has one (virDomainDefParseBootAcpiOptions' 'tmp'):
        # a warning, not an error, in this build only
        flavour_args=(-Ddocs=disabled -Dfuzz=enabled -Db_sanitize=address,undefined -Db_lundef=false
                      -Dc_args=-Wno-error=unused-variable)
        echo "configure: meson setup $LIBVIRT_BUILD (clang, -Dfuzz=enabled, ASan and UBSan, no docs)" ;;
    *) echo "configure: error: unknown build flavour '$FLAVOUR'" >&2; exit 1 ;;
esac
# libvirt 10 and later put sockets and pid files in 'runstatedir', which
# is /run unless set, whatever the prefix: keep them in the prefix
paths=()
if grep -q "option('runstatedir'" "$WORKTREE/meson_options.txt"; then
    paths=(-Drunstatedir="$PREFIX/var/run")
fi
# meson runs from the work tree: libvirt's meson.build looks for '.git' in
# the current directory to enable its syntax-check tests.
cd "$WORKTREE"
# The prefix is private: 'ninja install' and the daemons that run from it
# never touch a system path.  QEMU runs as root for the private daemons,
# so no 'libvirt-qemu' user is needed.
meson setup "$LIBVIRT_BUILD" "$WORKTREE" \
    --prefix="$PREFIX" \
    -Dsystem=false "${paths[@]}" \
    "${flavour_args[@]}" -Dtests=enabled -Dexpensive_tests=enabled \
    -Ddriver_qemu=enabled -Ddriver_remote=enabled \
    -Ddriver_libvirtd=enabled -Ddriver_test=enabled \
    -Ddriver_network=enabled -Ddriver_secrets=enabled \
    -Dqemu_user=root -Dqemu_group=root \
    -Ddriver_lxc=disabled -Ddriver_libxl=disabled -Ddriver_vbox=disabled \
    -Ddriver_esx=disabled -Ddriver_hyperv=disabled -Ddriver_vmware=disabled \
    -Ddriver_openvz=disabled -Ddriver_vz=disabled -Ddriver_bhyve=disabled \
    -Ddriver_ch=disabled -Dapparmor=disabled -Dsecdriver_apparmor=disabled \
    -Dwireshark_dissector=disabled -Dsanlock=disabled -Dglusterfs=disabled \
    -Dstorage_rbd=disabled -Dstorage_gluster=disabled -Dlibiscsi=disabled \
    -Dstorage_iscsi_direct=disabled \
    ${MESON_EXTRA_ARGS:-} > "$SETUPLOG" 2>&1 || {
        tail -n 40 "$SETUPLOG" >&2
        echo "configure: error: meson setup failed (full log: $SETUPLOG); a missing -dev package is the usual cause: run 'make deps'" >&2
        rm -rf "$LIBVIRT_BUILD"
        exit 1
    }
