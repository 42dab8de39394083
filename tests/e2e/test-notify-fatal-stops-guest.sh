#!/bin/bash
# A notify exit with an invalid VM context stops the guest; libvirt names
# it and applies <on_crash>destroy</on_crash>: crashed, then shut off,
# both for the notify VM exit, and says so in the guest's log.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start fatal "<notify-vmexit state='on' mode='run' window='131072'/>"
    h_inject fatal notify-invalid
    e2e_expect_state fatal "$E2E_FATAL_STATE"
    h_wait_event "$EV" "'fatal': $E2E_FATAL_EVENT" 10 || fail "no '$E2E_FATAL_EVENT' event ($MODE)"
    h_wait_event "$EV" "'fatal': Stopped Notify VM exit" 10 || fail "no 'Stopped Notify VM exit' event ($MODE)"
    grep -qE "$(h_qemu_warning fatal-invalid)" "$H_LOGDIR/fatal.log" ||
        fail "QEMU's warning is not in the guest log ($MODE)"
    grep -qF "guest stopped by a fatal KVM notify VM exit (evidence: $(e2e_evidence)); on_crash action: destroy" "$H_LOGDIR/fatal.log" ||
        fail "libvirt's line is not in the guest log ($MODE)"
}
E2E_FATAL_STATE="shut off (notify VM exit)"
E2E_FATAL_EVENT="Crashed Notify VM exit"
e2e_run_both_modes scenario
