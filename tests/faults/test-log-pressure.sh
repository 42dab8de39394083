#!/bin/bash
# No missed attribution when virtlogd lags, and NUL bytes in the log.
# QEMU writes its warning into a pipe that virtlogd copies into the log
# file on its own schedule; four other guests flood their logs through the
# same virtlogd, and the guest itself writes 512 KiB of filler lines with
# NUL bytes in each just before its exit, so that its pipe is full when
# QEMU stops it.  Each round, in both log modes:
#  - a fatal notify exit after the filler is named ("running (crashed)"
#    with on_crash restart): the text after the NUL bytes is examined and
#    nothing QEMU wrote before its STOP is missed;
#  - an ordinary internal error after more such filler, in the same QEMU
#    process, is not named: the earlier warning belonged to the earlier
#    stop.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

ROUNDS=${LOG_PRESSURE_ROUNDS:-8}
FLOODERS=4

# fill NAME BYTES: filler with NUL bytes; returns once the injector took
# the command (it writes the filler before it takes the next one)
fill() {
    h_log_fill_nowait "$1" "$2" nul
    h_injector_taken "$1" || fail "$1's injector did not take the filler command ($MODE)"
}

scenario() {
    local r i t n
    for i in $(seq 1 $FLOODERS); do
        h_define_start flood$i-$MODE "" preserve
    done
    for r in $(seq 1 "$ROUNDS"); do
        t=press$r-$MODE
        h_define_start "$t" "" restart
        for i in $(seq 1 $FLOODERS); do
            h_log_fill_nowait flood$i-$MODE $((2 * 1024 * 1024))
        done
        fill "$t" $((512 * 1024))
        h_inject "$t" notify-invalid > /dev/null
        e2e_expect_state "$t" "running (crashed)" 20
        n=$(grep -c "guest stopped by a fatal KVM notify VM exit" "$H_LOGDIR/$t.log" || true)
        [ "$n" = 1 ] || fail "round $r: expected one attribution in $t's log, got $n ($MODE)"
        grep -q -a "notify-injector: filler" "$H_LOGDIR/$t.log"* || fail "round $r: no filler in $t's log ($MODE)"

        fill "$t" $((512 * 1024))
        h_inject "$t" internal-error > /dev/null
        e2e_expect_state "$t" "paused (unknown)"
        sleep 1
        e2e_expect_state "$t" "paused (unknown)"
        n=$(grep -c "'$t': Crashed" "$EV" || true)
        [ "$n" = 1 ] || fail "round $r: expected one Crashed event of $t (its notify exit), got $n ($MODE)"
        virsh destroy "$t" > /dev/null
        virsh undefine "$t" > /dev/null
    done
    h_log "$ROUNDS rounds: every notify exit named, no internal error named ($MODE)"
}
e2e_run_both_modes scenario
