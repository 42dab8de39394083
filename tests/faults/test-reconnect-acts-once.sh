#!/bin/bash
# What a restarted daemon does about a crash that the daemon before it
# recorded but may not have acted on (its status says "crashed", with an
# <on_crash> action that is not 'preserve'):
#  - a guest panic gets its action, as a notify VM exit does
#    (test-pending-on-crash-after-restart.sh): destroy gives
#    "shut off (crashed)";
#  - a guest that QEMU runs again (the action was applied after all; here
#    reset and resumed through QEMU's monitor while the daemon is down) is
#    not destroyed a second time: "running (crashed)", the same QEMU;
#  - a failure that is libvirt's own (the status lost its capabilities)
#    keeps its own reason, "shut off (daemon)", not the crash's.
# As in test-pending-on-crash-after-restart.sh, the window is made
# deterministic by crashing with on_crash preserve and switching the
# status to destroy while the daemon is stopped.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

# qmp NAME COMMAND...: run QMP commands on NAME's monitor (daemon stopped)
qmp() {
    local name=$1 sock
    shift
    sock=$(grep -o "<monitor path='[^']*'" "$H_STATUSDIR/$name.xml" | cut -d"'" -f2)
    python3 - "$sock" "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
json.loads(f.readline())
for cmd in ["qmp_capabilities"] + sys.argv[2:]:
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    while True:
        reply = json.loads(f.readline())
        if "return" in reply:
            break
        if "error" in reply:
            sys.exit(f"{cmd}: {reply['error']['desc']}")
PY
}

crash_preserved() {
    h_define_start "$1" "" preserve
    h_inject "$1" "$2" > /dev/null
    e2e_expect_state "$1" "$3"
}

scenario() {
    local pid
    crash_preserved pan-$MODE crash "crashed (panicked)"
    crash_preserved again-$MODE notify-invalid "crashed (notify VM exit)"
    crash_preserved own-$MODE notify-invalid "crashed (notify VM exit)"
    pid=$(cat "$H_STATUSDIR/again-$MODE.pid")

    h_events_stop
    h_stop_virtqemud
    sed -i 's|<on_crash>preserve</on_crash>|<on_crash>destroy</on_crash>|' \
        "$H_STATUSDIR/pan-$MODE.xml" "$H_STATUSDIR/again-$MODE.xml"
    qmp again-$MODE system_reset cont || fail "QMP reset and cont of again failed ($MODE)"
    sed -i '/<qemuCaps>/,/<\/qemuCaps>/d;/<qemuCapsDownstream>/,/<\/qemuCapsDownstream>/d' \
        "$H_STATUSDIR/own-$MODE.xml"
    h_start_virtqemud
    EV=$EV.2
    h_events_start "$EV"

    e2e_expect_state pan-$MODE "shut off (crashed)" 15
    expect_in "$H_LOGDIR/pan-$MODE.log" "applying on_crash action destroy after a daemon restart" \
        "pan's log does not say the action was applied ($MODE)"

    e2e_expect_state again-$MODE "running (crashed)" 15
    sleep 1
    e2e_expect_state again-$MODE "running (crashed)"
    [ "$(cat "$H_STATUSDIR/again-$MODE.pid" 2>/dev/null)" = "$pid" ] ||
        fail "again's QEMU was replaced ($MODE)"
    expect_in "$H_LOGDIR/again-$MODE.log" "on_crash action not applied again" \
        "again's log does not say why nothing was done ($MODE)"

    e2e_expect_state own-$MODE "shut off (daemon)" 15
}
e2e_run_both_modes scenario
