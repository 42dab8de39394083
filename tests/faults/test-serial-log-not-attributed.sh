#!/bin/bash
# A guest's serial console log (a chardev log file, which the guest fills)
# that holds QEMU's notify-exit warning text must not make a plain internal
# error look like a notify exit: only QEMU's own log is read.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    local console=$GUESTS/serial-$MODE.log
    printf '%s\n' \
        "qemu-system-x86_64: warning: KVM internal error: Encounter a notify exit with invalid context in guest. There can be possible misbehaves in guest. Please have a look." \
        "2026-11-21T20:04:01.856467Z qemu-system-x86_64: warning: KVM internal error: Encountered a notify exit with invalid context in guest." \
        > "$console"
    h_injector_reset serial
    h_guest_xml serial "" destroy \
        "<serial type='file'><source path='$console' append='on'/><log file='$console.chardev' append='on'/></serial>" \
        "$(h_injector_env serial)" > "$GUESTS/serial.xml"
    cp "$console" "$console.chardev"
    virsh define "$GUESTS/serial.xml" > /dev/null
    virsh start serial > /dev/null
    h_wait_state serial "running (booted)" 10
    h_inject serial internal-error > /dev/null
    e2e_expect_not_attributed serial "a plain internal error was attributed from the serial log"
}
e2e_run_both_modes scenario
