#!/bin/bash
# The KVM check of every driver that runs guests (harness/lib.sh,
# h_kvm_why_not): a missing device is reported and never created (a
# redirection to it would leave a regular file that the next check could
# open); a regular file or a directory at the device's path is not KVM; a
# character device that opens read-write is.  Runs without KVM: the
# device's path is H_KVM_DEVICE.
. "$(dirname "$0")/../../harness/lib.sh"
set +e
T=$(mktemp -d)
h_on_exit 'rm -rf "$T"'
failed=0
check() {  # check WHAT EXPECTED-PATTERN (empty: usable)
    local why
    why=$(H_KVM_DEVICE=$1 h_kvm_why_not)
    if [ -z "$2" ] && [ -z "$why" ]; then
        echo "ok: $1: usable"
    elif [ -n "$2" ] && [[ $why == *"$2"* ]]; then
        echo "ok: $1: $why"
    else
        echo "FAIL: $1: got '${why:-usable}', expected '${2:-usable}'"
        failed=$((failed + 1))
    fi
}
check "$T/kvm" "is missing"
if [ -e "$T/kvm" ]; then
    echo "FAIL: the check created $T/kvm"
    failed=$((failed + 1))
fi
# twice: the first check must not have made the second one pass
check "$T/kvm" "is missing"
: > "$T/file"
check "$T/file" "is not a character device"
mkdir "$T/dir"
check "$T/dir" "is not a character device"
check /dev/null ""
if [ "$(id -u)" -eq 0 ] && mknod "$T/nodriver" c 60 0 2> /dev/null; then
    # a device number no driver has (60: local or experimental use, never
    # handed out): opening it fails, as /dev/kvm does on a host whose
    # kernel has no usable KVM
    check "$T/nodriver" "cannot be opened"
fi
[ "$failed" -eq 0 ] || exit 1
echo "kvm-check: all checks pass"
