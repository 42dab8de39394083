#!/bin/bash
# virtqemud killed with SIGKILL right after the STOP of a fatal notify exit,
# then restarted: the stop is still attributed and <on_crash> applied, once.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start killed "" destroy
    h_inject killed notify-invalid > /dev/null
    # kill as soon as the Suspended event (the STOP) reached a client
    h_wait_event "$EV" "'killed': Suspended" 10 || fail "no STOP ($MODE)"
    h_stop_virtqemud KILL
    h_events_stop
    h_start_virtqemud
    h_events_start "$EV.2"
    e2e_expect_state killed "shut off (notify VM exit)" 15
    n=$(grep -c "on_crash action: destroy" "$H_LOGDIR/killed.log" || true)
    [ "$n" = 1 ] || fail "expected one attribution in the guest log, got $n ($MODE)"
}
e2e_run_both_modes scenario
