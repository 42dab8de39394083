#!/bin/bash
# In mode 'internal-error' even a valid-context notify exit stops the
# guest, and it is attributed like a fatal one.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start valid-ie "<notify-vmexit state='on' mode='internal-error' window='0'/>"
    h_inject valid-ie notify-valid
    e2e_expect_state valid-ie "$E2E_FATAL_STATE"
    # QEMU 9.1 and later say "invalid context" here too (h_qemu_warning)
    grep -qE "$(h_qemu_warning fatal-valid)" "$H_LOGDIR/valid-ie.log" ||
        fail "QEMU's warning is not in the guest log ($MODE)"
    h_wait_event "$EV" "'valid-ie': Crashed Notify VM exit" 10 || fail "not attributed ($MODE)"
}
E2E_FATAL_STATE="shut off (notify VM exit)"
e2e_run_both_modes scenario
