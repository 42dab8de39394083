#!/bin/bash
# A guest restarted after a notify crash (on_crash restart: same QEMU
# process, its warning still in the log) then stops on a plain internal
# error: that stop is not attributed.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start again "" restart
    h_inject again notify-invalid > /dev/null
    e2e_expect_state again "running (crashed)"
    sleep 0.5
    h_inject again internal-error > /dev/null
    e2e_expect_state again "paused (unknown)"
    sleep 1
    e2e_expect_state again "paused (unknown)"
    n=$(grep -c "'again': Crashed" "$EV" || true)
    [ "$n" = 1 ] || fail "expected one Crashed event, got $n ($MODE)"
}
e2e_run_both_modes scenario
