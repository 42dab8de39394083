#!/bin/bash
# QEMU logged more than libvirt's read bound (64 KiB) between the start and
# a fatal notify exit: only the tail is read, and that is enough; a plain
# internal error after as much output still is not attributed.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start big "" destroy
    h_log_fill big $((256 * 1024)) || fail "no filler ($MODE)"
    [ "$(stat -c %s "$H_LOGDIR/big.log")" -gt $((256 * 1024)) ] ||
        fail "big's log is not larger than the filler ($MODE)"
    h_inject big notify-invalid > /dev/null
    e2e_expect_state big "shut off (notify VM exit)" 15
    n=$(grep -c "on_crash action: destroy" "$H_LOGDIR/big.log" || true)
    [ "$n" = 1 ] || fail "expected one attribution in big's log, got $n ($MODE)"

    h_define_start big-plain "" destroy
    h_log_fill big-plain $((256 * 1024)) || fail "no filler ($MODE)"
    h_inject big-plain internal-error > /dev/null
    e2e_expect_not_attributed big-plain "a plain internal error was attributed after 256 KiB of output"
}
e2e_run_both_modes scenario
