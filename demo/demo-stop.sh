#!/bin/bash
# make demo-stop: stop the private daemons (and the guest) that
# 'make demo KEEP=1' left running; with 'system' (make demo-stop
# SYSTEM=1), destroy and undefine the guest that 'make demo SYSTEM=1
# KEEP=1' left on the system's libvirt.
. "$(cd "$(dirname "$0")/.." && pwd)/harness/lib.sh"
if [ "${1:-}" = system ]; then
    . "$HARNESS/system.sh"
    layout_report demo-stop
    virsh destroy demo-guest > /dev/null 2>&1 || true
    if virsh undefine demo-guest > /dev/null 2>&1; then
        echo "demo-stop: demo-guest undefined on the system's libvirt"
    else
        echo "demo-stop: no demo-guest on the system's libvirt"
    fi
    exit 0
fi
. "$HARNESS/daemons.sh"
layout_report demo-stop
h_stop_daemons
echo "demo-stop: private daemons stopped"
