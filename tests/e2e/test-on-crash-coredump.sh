#!/bin/bash
# <on_crash>coredump-destroy</on_crash> and coredump-restart: guest memory
# is dumped to the auto-dump path before the guest is stopped or reset.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

DUMPDIR=$PREFIX/var/lib/libvirt/qemu/dump

scenario() {
    rm -f "$DUMPDIR"/*
    h_define_start cd-destroy "" coredump-destroy
    h_inject cd-destroy notify-invalid > /dev/null
    e2e_expect_state cd-destroy "shut off (notify VM exit)" 30
    ls "$DUMPDIR"/*cd-destroy* > /dev/null 2>&1 || fail "no dump of cd-destroy in $DUMPDIR ($MODE)"

    h_define_start cd-restart "" coredump-restart
    h_inject cd-restart notify-invalid > /dev/null
    h_wait_event "$EV" "'cd-restart': Crashed Notify VM exit" 10 || fail "not attributed ($MODE)"
    e2e_expect_state cd-restart "running (crashed)" 30
    ls "$DUMPDIR"/*cd-restart* > /dev/null 2>&1 || fail "no dump of cd-restart in $DUMPDIR ($MODE)"
    h_log "dumps: $(cd "$DUMPDIR" && ls | tr '\n' ' ')"
}
e2e_run_both_modes scenario
