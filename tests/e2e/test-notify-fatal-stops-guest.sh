#!/bin/bash
# A notify exit with an invalid VM context stops the guest, and QEMU's
# fatal warning reaches the guest's log.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/harness/e2e.sh"

scenario() {
    h_define_start fatal "<notify-vmexit state='on' mode='run' window='131072'/>"
    h_inject fatal notify-invalid
    e2e_expect_state fatal "$E2E_FATAL_STATE"
    h_wait_event "$EV" "'fatal': $E2E_FATAL_EVENT" 10 || fail "no '$E2E_FATAL_EVENT' event ($MODE)"
    grep -q "KVM internal error: Encounter a notify exit with invalid context" "$H_LOGDIR/fatal.log" ||
        fail "QEMU's warning is not in the guest log ($MODE)"
}
# stock libvirt 9.0.0 behaviour, until notify exits are attributed
E2E_FATAL_STATE=${E2E_FATAL_STATE:-paused (unknown)}
E2E_FATAL_EVENT=${E2E_FATAL_EVENT:-Suspended Paused}
e2e_run_both_modes scenario
