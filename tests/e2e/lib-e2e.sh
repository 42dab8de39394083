# Run an end-to-end scenario once with virtlogd and once with
# stdio_handler = "file" (sourced by tests/e2e/test-*.sh after lib.sh);
# E2E_MODES narrows that down.
#
#   scenario() { ...uses $MODE, $EV (event file)... }
#   e2e_run_both_modes scenario


e2e_run_both_modes() {
    local fn=$1
    h_require_kvm
    for MODE in ${E2E_MODES:-logd file}; do
        h_log "=== stdio_handler=$MODE"
        h_start_daemons "$MODE"
        EV=$TMP/events.$MODE
        h_events_start "$EV"
        "$fn"
        h_events_stop
        h_log "events ($MODE): $(grep -o "for domain .*" "$EV" | sed "s/for domain //" | paste -sd ';' || true)"
        h_stop_daemons
    done
}

# e2e_expect_state NAME "STATE (REASON)" [SECONDS]
e2e_expect_state() {
    h_wait_state "$1" "$2" "${3:-10}" || fail "$1 ($MODE): wrong state"
    h_log "$1: $2"
}

# e2e_expect_not_attributed NAME WHY: NAME stays "paused (unknown)" (checked
# again a second later, after the worker had time to look) and got no
# Crashed event
e2e_expect_not_attributed() {
    e2e_expect_state "$1" "paused (unknown)"
    sleep 1
    e2e_expect_state "$1" "paused (unknown)"
    if grep -q "'$1': Crashed" "$EV"; then
        fail "$2 ($MODE)"
    fi
}
