#!/bin/bash
# An internal error that is not a notify exit stops the guest and is not
# called a notify exit.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start interr "<notify-vmexit state='on'/>"
    h_inject interr internal-error
    e2e_expect_state interr "paused (unknown)"
    grep -q "KVM internal error. Suberror: 1" "$H_LOGDIR/interr.log" ||
        fail "QEMU's internal error is not in the guest log ($MODE)"
    if grep -qi "notify" "$EV"; then
        fail "an internal error was reported as a notify exit ($MODE)"
    fi
}
e2e_run_both_modes scenario
