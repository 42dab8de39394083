# A private set of daemons for one test (sourced after harness/lib.sh,
# before anything else happens): the tests run side by side, each with its
# own virtqemud and virtlogd from the flavour's one install.
#
# h_private_instance NAME re-executes the calling script in a mount
# namespace of its own (unshare), where the install's configuration
# ($PREFIX/etc/libvirt, a copy) and state ($PREFIX/var: run, lib, log) are
# private directories under $INSTANCES/NAME, kept after the test for its
# logs.  QEMU's capability cache ($PREFIX/var/cache) stays shared, so no
# daemon probes QEMU again.  INSTANCE=NAME gives the test's guests a
# directory of their own (pipeline/layout.sh), which also tells its QEMU
# processes apart from everybody else's.  Every process the test starts
# (daemons, QEMU, virsh) sees the same private paths under the same names,
# so nothing else changes for the test.
h_private_instance() {
    local name=$1 dir
    if [ "${INSTANCE:-}" != "$name" ]; then
        rm -rf "${INSTANCES:?}/$name"
        INSTANCE=$name exec unshare --mount --propagation private "$0" "$@"
    fi
    dir=$INSTANCES/$name
    mkdir -p "$dir/etc" "$dir/var" "$GUESTS"
    cp -a "$PREFIX/etc/libvirt/." "$dir/etc/"
    (cd "$PREFIX/var" && find . -path ./cache -prune -o -type d -print) |
        (cd "$dir/var" && xargs mkdir -p)
    mkdir -p "$PREFIX/var/cache" "$dir/var/cache"
    mount --bind "$PREFIX/var/cache" "$dir/var/cache"
    mount --rbind "$dir/var" "$PREFIX/var"
    mount --bind "$dir/etc" "$PREFIX/etc/libvirt"
}
