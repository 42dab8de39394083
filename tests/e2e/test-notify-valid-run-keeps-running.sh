#!/bin/bash
# A notify exit with a valid context in mode 'run' is handled by QEMU: the
# guest keeps running and no lifecycle event is emitted.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start valid-run "<notify-vmexit state='on' mode='run'/>"
    h_inject valid-run notify-valid
    sleep 1
    e2e_expect_state valid-run "running (booted)"
    if grep -E "'valid-run': (Suspended|Crashed|Stopped)" "$EV"; then
        fail "an event was emitted for a handled notify exit ($MODE)"
    fi
}
e2e_run_both_modes scenario
