# The harness that the demo, the benchmarks and the tests share (sourced):
# the build layout, logging, clean-up on exit and the KVM check.  Source
# the parts you need after this one: daemons.sh, guest.sh, inject.sh,
# events.sh.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/pipeline/layout.sh"
HARNESS=$ROOT/harness

h_log() { echo "[$(date +%H:%M:%S)] $*"; }

# h_on_exit COMMAND: run COMMAND when the shell exits (also on failure or
# a signal), after the commands registered later: the one EXIT trap of
# every driver and test
H_ON_EXIT=()
h_on_exit() {
    local c
    for c in "${H_ON_EXIT[@]}"; do
        [ "$c" != "$1" ] || return 0
    done
    H_ON_EXIT=("$1" "${H_ON_EXIT[@]}")
    trap _h_run_on_exit EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT
}
_h_run_on_exit() {
    local rc=$? c
    trap - EXIT
    for c in "${H_ON_EXIT[@]}"; do
        eval "$c" 2> /dev/null || true
    done
    exit "$rc"
}

# h_kvm_why_not: nothing when this user can open KVM's device
# (H_KVM_DEVICE, default /dev/kvm) read-write; otherwise why not, in a few
# words.  It never creates the device: a redirection to a missing path
# would make a regular file there, which the next check could open.  A
# node without a KVM driver behind it (a host whose kernel has no usable
# KVM) fails to open.
h_kvm_why_not() {
    local dev=${H_KVM_DEVICE:-/dev/kvm}
    if [ ! -e "$dev" ]; then
        echo "$dev is missing (this host has no usable KVM)"
    elif [ ! -c "$dev" ]; then
        echo "$dev is not a character device (a stray file? remove it, then load KVM)"
    elif ! { exec 3<> "$dev"; } 2> /dev/null; then
        echo "$dev cannot be opened read-write by $(id -un) (no KVM driver behind it, or no access)"
    else
        exec 3>&-
    fi
}

# h_require_kvm WHO [system]: what every driver that runs guests checks
# first.  In a test (WHO = test) a missing /dev/kvm is a skip (exit 77)
# with its reason; for the demo and the benchmarks it is an error.  With
# 'system' the guests run on the system's libvirt and QEMU (system.sh), so
# only KVM, the system's QEMU and the injector are needed.
h_require_kvm() {
    local who=${1:-test} mode=${2:-private} why=""
    why=$(h_kvm_why_not)
    if [ -n "$why" ]; then
        why="$why: it runs guests on QEMU/KVM; run it on a host with KVM (nested virtualisation in a VM)"
    elif [ ! -x "$QEMU_STOCK" ]; then
        why="$QEMU_STOCK is missing: run 'make deps' (or install qemu-system-x86)"
    fi
    if [ -n "$why" ]; then
        if [ "$who" = test ]; then
            echo "SKIP: $why"
            exit 77
        fi
        echo "$who: error: $why" >&2
        exit 1
    fi
    [ -f "$INJECTOR" ] ||
        { echo "$who: error: $INJECTOR is missing: run 'make'" >&2; exit 1; }
    [ "$mode" = private ] || return 0
    [ -x "$PREFIX/sbin/virtqemud" ] ||
        { echo "$who: error: $PREFIX/sbin/virtqemud is missing: run 'make'" >&2; exit 1; }
    [ -x "$QEMU_PATCHED" ] ||
        { echo "$who: error: the patched QEMU $QEMU_PATCHED is missing: run 'make'" >&2; exit 1; }
}
