# Run an end-to-end scenario on both QEMUs, the patched one (libvirt's
# evidence: QEMU's NOTIFY_VMEXIT event) and Debian's (the fallback: QEMU's
# warning in the log), each once with virtlogd and once with
# stdio_handler = "file" (sourced by tests/e2e/test-*.sh after lib.sh);
# E2E_QEMUS and E2E_MODES narrow that down.
#
#   scenario() { ...uses $E2E_QEMU, $MODE, $EV (event file)... }
#   e2e_run_both_modes scenario


e2e_run_both_modes() {
    local fn=$1
    h_require_kvm
    for E2E_QEMU in ${E2E_QEMUS:-patched stock}; do
        h_use_qemu "$E2E_QEMU"
        for MODE in ${E2E_MODES:-logd file}; do
            h_log "=== QEMU: $E2E_QEMU, stdio_handler=$MODE"
            h_start_daemons "$MODE"
            EV=$TMP/events.$E2E_QEMU.$MODE
            h_events_start "$EV"
            "$fn"
            h_events_stop
            h_log "events ($E2E_QEMU, $MODE): $(grep -o "for domain .*" "$EV" | sed "s/for domain //" | paste -sd ';' || true)"
            h_stop_daemons
        done
    done
}

# e2e_evidence: the evidence libvirt names for a notify exit that it saw
# stop the guest, on the QEMU of this run
e2e_evidence() {
    case "$E2E_QEMU" in
        patched) echo "QEMU's NOTIFY_VMEXIT event, vCPU ${1:-0}" ;;
        stock) echo "QEMU's warning in this log" ;;
    esac
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
