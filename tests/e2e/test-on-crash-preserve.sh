#!/bin/bash
# <on_crash>preserve</on_crash>: the guest stays crashed (notify VM exit);
# 'virsh resume' refuses and says a reset or destroy is needed; 'virsh
# reset' then 'virsh resume' runs it again.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start keep "" preserve
    h_inject keep notify-invalid > /dev/null
    e2e_expect_state keep "crashed (notify VM exit)"
    h_wait_event "$EV" "'keep': Crashed Notify VM exit" 10 || fail "no event ($MODE)"
    if virsh resume keep > "$TMP/resume.err" 2>&1; then
        fail "resume of a guest crashed by a notify exit succeeded ($MODE)"
    fi
    grep -q "cannot be resumed until it is reset or destroyed" "$TMP/resume.err" ||
        { cat "$TMP/resume.err"; fail "resume error does not say what to do ($MODE)"; }
    h_log "resume refused: $(cat "$TMP/resume.err")"
    e2e_expect_state keep "crashed (notify VM exit)"
    virsh reset keep > /dev/null
    virsh resume keep > /dev/null
    e2e_expect_state keep "running (unpaused)"
}
e2e_run_both_modes scenario
