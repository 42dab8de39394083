#!/bin/bash
# virtqemud killed with SIGKILL right after the first lifecycle event of a
# fatal notify exit (the STOP on the log path; on the event path, where
# libvirt names the crash at QEMU's event as it does a guest panic, the
# Crashed event, before its status is saved or just after), then
# restarted: the stop is still attributed, its line written once, and
# <on_crash> applied once.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start killed "" destroy
    h_inject killed notify-invalid > /dev/null
    # kill as soon as the first event of the stop reached a client
    h_wait_event "$EV" "'killed': (Suspended|Crashed)" 10 || fail "no event for the stop ($MODE)"
    h_stop_virtqemud KILL
    h_events_stop
    h_start_virtqemud
    h_events_start "$EV.2"
    e2e_expect_state killed "shut off (notify VM exit)" 15
    n=$(grep -c "on_crash action: destroy" "$H_LOGDIR/killed.log" || true)
    [ "$n" = 1 ] || fail "expected one attribution in the guest log, got $n ($MODE)"
}
e2e_run_both_modes scenario
