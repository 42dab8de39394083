#!/bin/bash
# Text that is not QEMU's own is never evidence of a notify VM exit.  QEMU's
# warning line, with a plausible timestamp, reaches the guest's QEMU log
#  - from the guest itself, through a serial port or a console on 'stdio'
#    (a hostile 512-byte boot sector writes it);
#  - from an XML string: a sysinfo entry with embedded newlines, which
#    libvirt writes into the log with the QEMU command line;
#  - through <qemu:arg>: '-serial stdio' passed by hand.
# The guest's next stop is an ordinary internal error: it stays
# "paused (unknown)", no Crashed event, and <on_crash>destroy</on_crash> is
# not run.  For the sysinfo case a real notify exit is still named (only
# the text written before QEMU ran is left out).  Where guest output can
# reach the log, a real one is named on the patched QEMU (its NOTIFY_VMEXIT
# event is the evidence, whatever the log holds) and not named on
# Debian's QEMU (the log path), whose log says why.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

FORGED="2026-11-23T10:00:00.000000Z qemu-system-x86_64: warning: KVM internal error: Encounter a notify exit with invalid context in guest. There can be possible misbehaves in guest. Please have a look."
NL=$'\n'

# with_sysinfo FILE: give the definition in FILE an SMBIOS manufacturer
# that holds the forged line between two newlines
with_sysinfo() {
    FORGED=$FORGED python3 - "$1" <<'PY'
import os, sys
path = sys.argv[1]
xml = open(path).read()
entry = "Acme&#10;" + os.environ["FORGED"] + "&#10;"
sysinfo = ("<sysinfo type='smbios'><system><entry name='manufacturer'>"
           + entry + "</entry></system></sysinfo>\n  ")
xml = xml.replace("<os>", sysinfo + "<os>\n    <smbios mode='sysinfo'/>", 1)
open(path, "w").write(xml)
PY
}

# start NAME EXTRA_DEVICES EXTRA_QEMU_XML [SERIAL_TEXT]: define and start a
# guest (on_crash destroy) and wait until the forged line is in its log
start() {
    local name=$1 devices=$2 qemu=$3 i
    h_injector_reset "$name"
    rm -f "$GUESTS/$name-boot-sector.img"
    H_GUEST_SERIAL_TEXT=${4:-} h_guest_xml "$name" "" destroy "$devices" \
        "$(h_injector_env "$name")$qemu" > "$GUESTS/$name.xml"
    case $name in
        sysinfo-*) with_sysinfo "$GUESTS/$name.xml" ;;
    esac
    virsh define "$GUESTS/$name.xml" > /dev/null
    virsh start "$name" > /dev/null || fail "$name did not start ($MODE)"
    h_wait_state "$name" "running (booted)" 10 || fail "$name is not running ($MODE)"
    for i in $(seq 1 600); do
        grep -q -F "${FORGED#* }" "$H_LOGDIR/$name.log" && return 0
        sleep 0.1
    done
    tail -n 5 "$H_LOGDIR/$name.log" >&2
    fail "the forged line did not reach $name's log within 60 s ($MODE)"
}

# plain NAME: an ordinary internal error is not attributed
plain() {
    h_inject "$1" internal-error > /dev/null
    e2e_expect_not_attributed "$1" "$1: an ordinary internal error was named a notify exit from text that is not QEMU's"
    virsh destroy "$1" > /dev/null
    virsh undefine "$1" > /dev/null
}

# real NAME WHY: a real notify exit is named from QEMU's event; on the log
# path it is not, and the guest's log says WHY
real() {
    h_inject "$1" notify-invalid > /dev/null
    if [ "$E2E_QEMU" = patched ]; then
        e2e_expect_state "$1" "shut off (notify VM exit)" 15
        expect_in "$H_LOGDIR/$1.log" "evidence: QEMU's NOTIFY_VMEXIT event" "$1: the log does not name the event ($MODE)"
    else
        e2e_expect_not_attributed "$1" "$1: a notify exit was named although the log carries text that is not QEMU's"
        expect_in "$H_LOGDIR/$1.log" "not checked for a KVM notify VM exit.*$2" "$1: the log does not say why nothing was named ($MODE)"
        virsh destroy "$1" > /dev/null
    fi
    virsh undefine "$1" > /dev/null
}

scenario() {
    local text="$NL$FORGED$NL" qarg
    qarg="<qemu:arg value='-serial'/><qemu:arg value='stdio'/>"

    start serial-$MODE "<serial type='stdio'><target port='0'/></serial>" "" "$text"
    plain serial-$MODE
    start serial-$MODE "<serial type='stdio'><target port='0'/></serial>" "" "$text"
    real serial-$MODE "serial 0 is connected to QEMU.s standard output"

    start console-$MODE "<console type='stdio'><target type='serial' port='0'/></console>" "" "$text"
    plain console-$MODE

    start qarg-$MODE "" "$qarg" "$text"
    plain qarg-$MODE
    start qarg-$MODE "" "$qarg" "$text"
    real qarg-$MODE "<qemu:commandline> passes arguments"

    start sysinfo-$MODE "" ""
    plain sysinfo-$MODE
    start sysinfo-$MODE "" ""
    h_inject sysinfo-$MODE notify-invalid > /dev/null
    e2e_expect_state sysinfo-$MODE "shut off (notify VM exit)" 15
}
e2e_run_both_modes scenario
