#!/bin/bash
# The daemon saved "crashed (notify VM exit)" but stopped before applying
# <on_crash>destroy</on_crash> (the window SIGKILL can hit): after the
# restart the action is applied.  The window is made deterministic by
# crashing a guest with on_crash preserve and switching its live
# definition's on_crash to destroy in the status XML while the daemon is
# stopped.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    local status=$PREFIX/var/run/libvirt/qemu/pending.xml
    h_define_start pending "" preserve
    h_inject pending notify-invalid > /dev/null
    e2e_expect_state pending "crashed (notify VM exit)"
    h_events_stop
    h_stop_virtqemud
    grep -q "<on_crash>preserve</on_crash>" "$status" || fail "no on_crash in $status ($MODE)"
    sed -i 's|<on_crash>preserve</on_crash>|<on_crash>destroy</on_crash>|' "$status"
    h_start_virtqemud
    h_events_start "$EV.2"
    e2e_expect_state pending "shut off (notify VM exit)" 15
    grep -q "applying on_crash action destroy after a daemon restart" "$H_LOGDIR/pending.log" ||
        fail "libvirt's line is not in the guest log ($MODE)"
}
e2e_run_both_modes scenario
