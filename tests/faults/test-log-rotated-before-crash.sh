#!/bin/bash
# virtlogd rotates the guest's QEMU log between the start and a fatal notify
# exit: the stop is still attributed, whether the file the guest started
# in is now a backup (log.0) or was rotated out entirely; a plain internal
# error after a rotation still is not.  virtlogd only: without it libvirt
# never rotates the log.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

# rotate at 32 KiB, keep 3 backups
H_VIRTLOGD_MAX_SIZE=32768

# inode of NAME's current QEMU log
log_inode() { stat -c %i "$H_LOGDIR/$1.log"; }

scenario() {
    local start

    # rotated once: the start file is log.0, the read spans two files
    h_define_start rot-once "" destroy
    start=$(log_inode rot-once)
    h_log_fill rot-once $((40 * 1024)) || fail "no filler ($MODE)"
    [ -f "$H_LOGDIR/rot-once.log.0" ] && [ "$(stat -c %i "$H_LOGDIR/rot-once.log.0")" = "$start" ] ||
        fail "virtlogd did not rotate rot-once's log once"
    h_inject rot-once notify-invalid > /dev/null
    e2e_expect_state rot-once "shut off (notify VM exit)" 15

    # rotated five times: the start file is gone, more than the read bound
    h_define_start rot-out "" preserve
    h_log_fill rot-out $((160 * 1024)) || fail "no filler ($MODE)"
    [ -f "$H_LOGDIR/rot-out.log.2" ] || fail "virtlogd did not rotate rot-out's log three times"
    # (an inode number says nothing here: the file system reuses the
    # rotated-out file's number for a newer file)
    if grep -l "starting up libvirt" "$H_LOGDIR"/rot-out.log*; then
        fail "rot-out's start file is still there"
    fi
    h_inject rot-out notify-invalid > /dev/null
    e2e_expect_state rot-out "crashed (notify VM exit)" 15

    # a plain internal error after a rotation is not a notify exit
    h_define_start rot-plain "" destroy
    h_log_fill rot-plain $((40 * 1024)) || fail "no filler ($MODE)"
    [ -f "$H_LOGDIR/rot-plain.log.0" ] || fail "virtlogd did not rotate rot-plain's log"
    h_inject rot-plain internal-error > /dev/null
    e2e_expect_not_attributed rot-plain "a plain internal error was attributed after a rotation"
}
E2E_MODES=${E2E_MODES:-logd} e2e_run_both_modes scenario
