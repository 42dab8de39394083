#!/bin/bash
# A crash reported by KVM (system event) goes through GUEST_PANICKED:
# libvirt's existing crash path, CRASHED/PANICKED.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start panic "<notify-vmexit state='on'/>" preserve
    h_inject panic crash
    e2e_expect_state panic "crashed (panicked)"
    h_wait_event "$EV" "'panic': Crashed Panicked" 10 || fail "no Crashed Panicked event ($MODE)"
}
e2e_run_both_modes scenario
