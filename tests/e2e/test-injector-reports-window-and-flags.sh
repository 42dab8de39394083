#!/bin/bash
# A guest started by libvirt with each notify-vmexit setting: QEMU asks KVM
# (the injector) for exactly the window and flags the XML says, or for
# nothing at all with state='off'.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/e2e/lib-e2e.sh"

scenario() {
    h_define_start w-run "<notify-vmexit state='on' mode='run' window='131072'/>"
    h_define_start w-ie "<notify-vmexit state='on' mode='internal-error' window='0'/>"
    h_define_start w-default ""
    h_define_start w-off "<notify-vmexit state='off'/>"
    sleep 0.5
    grep -q "enable-cap notify-vmexit window=131072 flags=0x3" <<< "$(h_injector_enabled w-run)" ||
        fail "w-run: QEMU did not ask for window 131072"
    grep -q "enable-cap notify-vmexit window=0 flags=0x3" <<< "$(h_injector_enabled w-ie)" ||
        fail "w-ie: QEMU did not ask for window 0"
    grep -q "enable-cap notify-vmexit window=0 flags=0x3" <<< "$(h_injector_enabled w-default)" ||
        fail "w-default: QEMU 7.2's default (run, window 0) was not asked for"
    if grep -q "enable-cap" <<< "$(h_injector_enabled w-off)"; then
        fail "w-off: QEMU enabled the notify exit with state='off'"
    fi
    h_log "windows and flags as configured"
}
e2e_run_both_modes scenario
