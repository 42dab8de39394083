#!/bin/bash
# Fatal notify exits in 16 guests at once while other guests are being
# defined, started, destroyed and undefined: every one of the 16 is
# attributed, and no churn guest is.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

churn() {
    local i
    for i in $(seq 1 4); do
        h_guest_xml "churn-$i" "" destroy > "$TMP/churn-$i.xml"
        virsh define "$TMP/churn-$i.xml" > /dev/null
        virsh start "churn-$i" > /dev/null
        virsh destroy "churn-$i" > /dev/null
        virsh undefine "churn-$i" > /dev/null
    done
}

scenario() {
    local g
    for g in $(seq -w 1 16); do
        h_injector_reset "many-$g"
        h_guest_xml "many-$g" "" preserve "" "$(h_injector_env "many-$g")" > "$GUESTS/many-$g.xml"
        virsh define "$GUESTS/many-$g.xml" > /dev/null
    done
    # start them all at once (wait for these jobs only: the event client
    # is a background job too)
    local pids=()
    for g in $(seq -w 1 16); do
        virsh start "many-$g" > /dev/null &
        pids+=($!)
    done
    for g in "${pids[@]}"; do
        wait "$g" || fail "a guest did not start ($MODE)"
    done
    for g in $(seq -w 1 16); do
        h_wait_state "many-$g" "running (booted)" 20
    done
    sleep 0.5
    churn &
    local churn_pid=$!
    for g in $(seq -w 1 16); do
        h_inject_nowait "many-$g" notify-invalid
    done
    wait "$churn_pid" || fail "defining/starting/undefining other guests failed ($MODE)"
    for g in $(seq -w 1 16); do
        e2e_expect_state "many-$g" "crashed (notify VM exit)" 30
    done
    if grep -E "'churn-[0-9]+': Crashed" "$EV"; then
        fail "a churn guest was called crashed ($MODE)"
    fi
}
# One log mode is enough here: both are covered by the single-guest tests,
# and this one is about concurrency (16 guests take a while to start).
E2E_MODES=logd e2e_run_both_modes scenario
