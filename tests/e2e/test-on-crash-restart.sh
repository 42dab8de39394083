#!/bin/bash
# <on_crash>restart</on_crash>: after a fatal notify exit the guest is
# reset and runs again, with running reason 'crashed'.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start restart "<notify-vmexit state='on'/>" restart
    h_inject restart notify-invalid > /dev/null
    h_wait_event "$EV" "'restart': Crashed Notify VM exit" 10 || fail "not attributed ($MODE)"
    e2e_expect_state restart "running (crashed)"
}
e2e_run_both_modes scenario
