#!/bin/bash
# With state='off' QEMU never enables the exit, so the (simulated)
# hardware never raises it: the guest keeps running.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start off "<notify-vmexit state='off'/>"
    h_inject off notify-invalid | grep -q "refused notify-invalid" ||
        fail "the injector did not refuse a notify exit that QEMU never enabled"
    sleep 0.5
    e2e_expect_state off "running (booted)"
}
e2e_run_both_modes scenario
