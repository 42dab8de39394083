#!/bin/bash
# A guest crashed by a notify exit keeps its state and reason across a
# virtqemud restart.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start kept "" preserve
    h_inject kept notify-invalid > /dev/null
    e2e_expect_state kept "crashed (notify VM exit)"
    h_events_stop
    h_stop_virtqemud
    h_start_virtqemud
    h_events_start "$EV.2"
    e2e_expect_state kept "crashed (notify VM exit)"
    sleep 1
    e2e_expect_state kept "crashed (notify VM exit)"
    if grep -q "'kept'" "$EV.2"; then
        fail "events after the restart: $(cat "$EV.2") ($MODE)"
    fi
}
e2e_run_both_modes scenario
