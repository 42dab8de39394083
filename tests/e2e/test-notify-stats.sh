#!/bin/bash
# Notify exits that do not stop the guest are visible before one does:
# 'virsh domstats --notify-vmexit' reports QEMU's count and the last vCPU,
# exact after a burst of 100,000 exits (QEMU sends at most one event a
# second, its count covers the rest), and the same after a daemon restart.
# The guest keeps running throughout, and a fatal exit after the burst is
# still named at once.  On Debian's QEMU, which has no event, the group is
# empty.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

# notify_stat NAME FIELD: one notify_vmexit field of NAME, empty when absent
notify_stat() {
    virsh domstats --notify-vmexit "$1" | sed -n "s/^ *notify_vmexit\.$2=//p"
}

# expect_count NAME COUNT: the count reaches COUNT within 5 s
expect_count() {
    local i got=""
    for i in $(seq 1 50); do
        got=$(notify_stat "$1" count)
        [ "$got" = "$2" ] && return 0
        sleep 0.1
    done
    fail "$1: notify_vmexit.count is '${got:-absent}', expected $2 ($MODE)"
}

scenario() {
    local g=counted
    h_define_start $g "<notify-vmexit state='on' mode='run'/>"
    if [ "$E2E_QEMU" = stock ]; then
        h_inject $g notify-valid > /dev/null
        sleep 1
        [ -z "$(virsh domstats --notify-vmexit $g | grep notify_vmexit || true)" ] ||
            fail "Debian's QEMU has no NOTIFY_VMEXIT event, yet domstats reports notify exits ($MODE)"
        e2e_expect_state $g "running (booted)"
        virsh destroy $g > /dev/null
        return 0
    fi

    [ "$(notify_stat $g count)" = 0 ] || fail "a new guest reports notify exits: $(notify_stat $g count) ($MODE)"
    [ -z "$(notify_stat $g last_vcpu)" ] || fail "last_vcpu is reported with no exit ($MODE)"

    h_inject $g notify-valid > /dev/null
    expect_count $g 1
    [ "$(notify_stat $g last_vcpu)" = 0 ] || fail "last_vcpu is '$(notify_stat $g last_vcpu)', expected 0 ($MODE)"

    h_inject_burst $g 100000 > /dev/null
    expect_count $g 100001
    e2e_expect_state $g "running (booted)"
    if grep -E "'$g': (Suspended|Crashed|Stopped)" "$EV"; then
        fail "a lifecycle event for exits that did not stop the guest ($MODE)"
    fi

    # the count is kept in the status: a restarted daemon reports it
    h_stop_virtqemud
    h_start_virtqemud
    expect_count $g 100001
    h_log "$g: notify_vmexit.count=100001 after a burst of 100000 and a daemon restart"

    h_inject $g notify-invalid > /dev/null
    e2e_expect_state $g "shut off (notify VM exit)" 15
    expect_in "$H_LOGDIR/$g.log" "evidence: QEMU's NOTIFY_VMEXIT event, vCPU 0" "the fatal exit is not named from the event ($MODE)"
}
e2e_run_both_modes scenario
