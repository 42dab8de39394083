#!/bin/bash
# A notify exit that happens while virtqemud is stopped is attributed when
# it reconnects, and <on_crash> is applied then.  The state and libvirt's
# line in the guest's log prove it; the lifecycle events are emitted during
# the reconnect, before any client can have registered for them, so they
# are only reported.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start away "" destroy
    h_events_stop
    h_stop_virtqemud
    h_inject away notify-invalid > /dev/null
    sleep 0.5
    h_start_virtqemud
    h_events_start "$EV.2"
    e2e_expect_state away "shut off (notify VM exit)" 15
    grep -q "guest stopped by a fatal KVM notify VM exit (evidence: QEMU's warning in this log); on_crash action: destroy" "$H_LOGDIR/away.log" ||
        fail "libvirt's line is not in the guest log ($MODE)"
    sleep 0.5
    h_log "events seen after the reconnect: $(grep -o "'away': .*" "$EV.2" | paste -sd ';' || true)"
}
e2e_run_both_modes scenario
