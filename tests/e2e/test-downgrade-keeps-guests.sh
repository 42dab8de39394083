#!/bin/bash
# Debian's own, unpatched daemon of the base's revision (harness/stock.sh)
# replaces ours while one guest runs and one is crashed (notify VM exit)
# with <on_crash>preserve</on_crash>: it loads both guests' status and
# manages both QEMU processes; ours, back, manages both again; Debian's,
# once more, destroys the crashed guest.  The QEMU processes keep their
# pids across the swaps and the definitions stay byte-identical.
#
# The guests have no <notify-vmexit> element: a definition that uses the
# series' XML can never load in the stock daemon.  QEMU 7.2 runs notify
# exits in its default mode anyway, so the injected one crashes the guest.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"
. "$HARNESS/stock.sh"

# Debian 13's daemon needs Debian 13's C library, so only Debian 12's runs
# here
[ "$BASE" = deb12 ] || skip "the downgrade goes to Debian's own daemon of the base, and Debian's libvirt of BASE=$BASE does not run on this Debian 12 host"

rc=0
why=$(h_stock_fetch) || rc=$?
[ "$rc" -ne 2 ] || skip "Debian's libvirt $SRC_KNOWN_REVISION cannot be fetched with apt: $why"
[ "$rc" -eq 0 ] || fail "pipeline/fetch-stock.sh failed: $why"

# qemu_pid NAME: the QEMU pid in NAME's status file
qemu_pid() { sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$H_STATUSDIR/$1.xml"; }

# expect_managed WHO NAME "STATE (REASON)": the daemon WHO lists NAME as
# active in that state, has reconnected to NAME's QEMU (a block stats
# query needs the monitor and waits for the reconnect's job, so a failed
# reconnect cannot pass unseen), and that QEMU is the one started first
expect_managed() {
    local who=$1 name=$2 state=$3 pid
    virsh domblkstat "$name" hda > /dev/null 2> "$TMP/blkstat.err" ||
        fail "$who does not manage $name's QEMU ($MODE): $(cat "$TMP/blkstat.err")"
    e2e_expect_state "$name" "$state"
    pid=$(qemu_pid "$name")
    [ "$pid" = "${PIDS[$name]}" ] ||
        fail "$name's QEMU pid is '$pid' under $who, was ${PIDS[$name]} ($MODE)"
    _h_pid_alive "$pid" || fail "$name's QEMU ($pid) is gone under $who ($MODE)"
}

# to_stock / to_ours: swap the daemons; the guests keep running
to_stock() {
    h_stop_virtqemud
    h_stock_start
    h_log "Debian's libvirtd $SRC_KNOWN_REVISION runs (pid $(h_stock_pid))"
}
to_ours() {
    h_stock_stop
    h_start_virtqemud
    h_log "our virtqemud runs again"
}

scenario() {
    local name missing="" listed
    declare -gA PIDS=() DEFS=()
    h_define_start up "" destroy
    h_define_start down "" preserve
    h_inject down notify-invalid > /dev/null
    e2e_expect_state down "crashed (notify VM exit)"
    for name in up down; do
        PIDS[$name]=$(qemu_pid "$name")
        DEFS[$name]=$(sha256sum < "$PREFIX/etc/libvirt/qemu/$name.xml")
    done
    h_events_stop
    rm -f "$H_STOCK_LOG"

    # downgrade: the status our daemon wrote must load in Debian's
    to_stock
    # the list is taken whole first: 'grep -q' in a pipe stops reading at
    # its first match, and with pipefail virsh's SIGPIPE would fail it
    listed=$(virsh list --name)
    for name in up down; do
        grep -qx "$name" <<< "$listed" || missing+=" $name"
    done
    if [ -n "$missing" ]; then
        echo "--- virsh list --all, from Debian's libvirtd:"
        virsh list --all
        echo "--- $H_STOCK_LOG:"
        grep ' error : ' "$H_STOCK_LOG" || true
        fail "Debian's libvirtd $SRC_KNOWN_REVISION did not load the status of:$missing ($MODE);" \
             "their QEMU processes run on unmanaged (its errors above)"
    fi
    expect_managed "Debian's libvirtd" up "running (booted)"
    # Debian's libvirt knows no notify exit: the crash keeps its state
    expect_managed "Debian's libvirtd" down "crashed (unknown)"

    # upgrade: Debian's daemon saved the status again when it reconnected
    # (before the end of the reconnect's job, which the block stats query
    # waited for), without the series' cause, so ours can only restore
    # what that status says: crashed, reason unknown
    to_ours
    expect_managed "our virtqemud" up "running (booted)"
    expect_managed "our virtqemud" down "crashed (unknown)"

    # downgrade again: Debian's daemon destroys the crashed guest
    to_stock
    expect_managed "Debian's libvirtd" up "running (booted)"
    virsh destroy down > /dev/null || fail "Debian's libvirtd cannot destroy down ($MODE)"
    e2e_expect_state down "shut off (destroyed)"
    ! _h_pid_alive "${PIDS[down]}" || fail "down's QEMU (${PIDS[down]}) outlived its destroy ($MODE)"

    # a daemon that starts knows no reason for an inactive guest (no
    # status file is left), ours as much as Debian's
    to_ours
    expect_managed "our virtqemud" up "running (booted)"
    e2e_expect_state down "shut off (unknown)"
    for name in up down; do
        [ "$(sha256sum < "$PREFIX/etc/libvirt/qemu/$name.xml")" = "${DEFS[$name]}" ] ||
            fail "$name's definition changed across the swaps ($MODE)"
    done
}
e2e_run_both_modes scenario
