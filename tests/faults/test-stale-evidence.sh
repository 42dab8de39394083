#!/bin/bash
# A check that does not conclude leaves no evidence for a later stop.  A
# guest has a fatal notify exit while the QEMU driver's one event worker is
# held; before its check runs, the guest is reset and resumed; then it
# stops on an ordinary internal error in the same QEMU process, the notify
# warning still in its log.  That stop stays "paused (unknown)" and its
# <on_crash>destroy</on_crash> is not run:
#  - pending: both checks run after the worker is released;
#  - failed job: the guest's own job is held longer than a check waits for
#    a job (30 s), so the first check fails to start;
#  - restart: the daemon is killed while the first check is pending.
# On the patched QEMU the check is queued by QEMU's fatal event and the
# same holds.  The worker is held by another guest: a live memory dump of
# it into a FIFO that the test does not read yet.  QEMU stops that guest for the
# dump, libvirt queues a check of that unexplained stop, and the check
# waits for the dump job, which ends only when the test reads the FIFO.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

declare -A HOLD_FD HOLD_PID

# hold NAME: a memory dump of NAME into a FIFO that nobody reads yet
hold() {
    local fifo=$TMP/hold-$1.fifo fd i
    rm -f "$fifo"
    mkfifo "$fifo"
    # a reader that reads nothing, so that libvirt's open does not block
    exec {fd}<> "$fifo"
    HOLD_FD[$1]=$fd
    virsh dump "$1" "$fifo" --memory-only --live > /dev/null 2>&1 {fd}<&- &
    HOLD_PID[$1]=$!
    h_on_exit "kill ${HOLD_PID[$1]} 2>/dev/null || true"
    for i in $(seq 1 100); do
        virsh domjobinfo "$1" 2>/dev/null | grep -q Unbounded && return 0
        sleep 0.1
    done
    fail "no dump job holds $1 within 10 s ($MODE)"
}
# release NAME: read the FIFO, the dump ends.  The reader is stopped once
# the dump is done: other children of this shell may hold the FIFO open.
# It does not inherit this shell's read-write end of the FIFO, and it is
# stopped with SIGKILL: in the restart phase the dump's virsh is gone with
# the daemon, so the reader is stopped just after it was started, and a
# SIGTERM sent then was lost now and then; the reader, which held a write
# end itself, lived on and the test waited for it until its timeout
# (docs/results.md, 2026-12-06).
release() {
    local reader i
    cat "$TMP/hold-$1.fifo" > /dev/null 2>&1 {HOLD_FD[$1]}<&- &
    reader=$!
    exec {HOLD_FD[$1]}<&-
    # the dump ends once the FIFO is read, or once its daemon is gone
    for i in $(seq 1 300); do
        kill -0 "${HOLD_PID[$1]}" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "${HOLD_PID[$1]}" 2>/dev/null; then
        h_log "the dump of $1 did not end within 30 s of its release: its virsh is stopped"
        kill "${HOLD_PID[$1]}" 2>/dev/null || true
    fi
    wait "${HOLD_PID[$1]}" 2>/dev/null || true
    kill -KILL "$reader" 2>/dev/null || true
    _h_wait_gone "$reader" ||
        fail "the reader of $1's dump was still there 10 s after its SIGKILL ($MODE)"
    wait "$reader" 2>/dev/null || true
    h_log "the worker held by $1 is released"
}

# hold_worker NAME: define and start NAME, hold the worker with it.  NAME
# runs on Debian's QEMU on both paths: there the dump's stop queues the
# check that holds the worker (on the patched QEMU a stop without a fatal
# event queues none).
hold_worker() {
    local kind=$H_QEMU_KIND
    h_use_qemu stock
    h_define_start "$1" "" preserve
    h_use_qemu "$kind"
    hold "$1"
    e2e_expect_state "$1" "paused (unknown)"
    sleep 0.5
}

# notify_pending NAME: a fatal notify exit whose check cannot run yet
notify_pending() {
    h_inject "$1" notify-invalid > /dev/null
    e2e_expect_state "$1" "paused (unknown)"
    sleep 1
    # still not named: the check really is pending
    e2e_expect_state "$1" "paused (unknown)"
    grep -q "notify exit with invalid context" "$H_LOGDIR/$1.log" ||
        fail "QEMU's warning is not in $1's log ($MODE)"
}

reset_resume() {
    virsh reset "$1" > /dev/null || fail "reset of $1 failed ($MODE)"
    virsh resume "$1" > /dev/null || fail "resume of $1 failed ($MODE)"
    e2e_expect_state "$1" "running (unpaused)"
}

# internal_error NAME WHAT: an ordinary internal error is not named
internal_error() {
    h_inject "$1" internal-error > /dev/null
    e2e_expect_not_attributed "$1" "an ordinary internal error was named from the warning of an earlier notify exit ($2)"
}

pending() {
    h_log "phase: pending"
    hold_worker held-$MODE
    h_define_start pending-$MODE "" destroy
    notify_pending pending-$MODE
    reset_resume pending-$MODE
    h_inject pending-$MODE internal-error > /dev/null
    e2e_expect_state pending-$MODE "paused (unknown)"
    release held-$MODE
    e2e_expect_not_attributed pending-$MODE "an ordinary internal error was named from the warning of a notify exit whose check was pending"
}

failed_job() {
    h_log "phase: failed_job"
    hold_worker held2-$MODE
    h_define_start failed-$MODE "" destroy
    notify_pending failed-$MODE
    hold failed-$MODE
    release held2-$MODE
    # the check waits 30 s for failed's job, then gives up
    sleep 32
    e2e_expect_state failed-$MODE "paused (unknown)"
    release failed-$MODE
    reset_resume failed-$MODE
    internal_error failed-$MODE "its check failed to get a job"
}

restart() {
    h_log "phase: restart"
    hold_worker held3-$MODE
    h_define_start restart-$MODE "" destroy
    notify_pending restart-$MODE
    reset_resume restart-$MODE
    h_events_stop
    h_stop_virtqemud KILL
    h_log "virtqemud killed; releasing the worker"
    release held3-$MODE
    h_start_virtqemud
    h_log "virtqemud restarted"
    EV=$EV.restart
    h_events_start "$EV"
    e2e_expect_state restart-$MODE "running (unpaused)"
    internal_error restart-$MODE "the daemon restarted while its check was pending"
}

scenario() {
    pending
    restart
    failed_job
}
e2e_run_both_modes scenario
