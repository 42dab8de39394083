# The system's libvirt (sourced after harness/lib.sh, instead of
# daemons.sh): the daemons that the installed packages run, reached at
# qemu:///system with the system's virsh, their guests' logs in
# /var/log/libvirt/qemu.  Nothing is started or stopped here: the packages
# (or the admin) own these daemons.  Used by 'make demo SYSTEM=1' on a host
# with this project's packages (make deb) and by make check-deb in its root.

H_URI=qemu:///system
H_LOGDIR=/var/log/libvirt/qemu
H_STATUSDIR=/run/libvirt/qemu
export LIBVIRT_DEFAULT_URI=$H_URI

virsh() { command virsh -q -c "$H_URI" "$@"; }

# h_system_ready WHO: the system's virsh is installed and its libvirt
# answers; the guests' directory is the layout's, owned like libvirt's own
# QEMU directory so that QEMU (which runs as the packages' QEMU user) can
# reach the injector's files there
h_system_ready() {
    local who=$1
    command -v virsh > /dev/null ||
        { echo "$who: error: no virsh on this system: install the libvirt-clients package" >&2; exit 1; }
    virsh version > /dev/null 2>&1 ||
        { echo "$who: error: the system's libvirt does not answer at $H_URI: start it (systemctl start libvirtd) and run again as root" >&2; exit 1; }
    mkdir -p "$GUESTS"
    [ -d /var/lib/libvirt/qemu ] && chown --reference=/var/lib/libvirt/qemu "$GUESTS"
    return 0
}

# h_system_versions: the installed libvirt daemon and QEMU, as the
# package manager names them
h_system_versions() {
    dpkg-query -W -f '${Package} ${Version}\n' libvirt-daemon qemu-system-x86 2>/dev/null |
        awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " } END { print "" }'
}
