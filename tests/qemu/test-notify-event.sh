#!/bin/bash
# The patched QEMU's NOTIFY_VMEXIT event, over QMP, without libvirt: its
# data and its place before STOP for both fatal kinds, the non-fatal one,
# the rate limit under a burst of 100,000 exits (and a fatal exit right
# after it, which is not held back), notify-vmexit=disable, and the schema
# that libvirt probes.  Debian's QEMU is the control.
. "$(dirname "$0")/../lib.sh"
h_require_kvm
[ -x "$QEMU_PATCHED" ] || fail "no patched QEMU at $QEMU_PATCHED; run 'make qemu'"
python3 "$ROOT/tests/qemu/notify_event.py" "$QEMU_PATCHED" "$QEMU_STOCK" \
    "$INJECTOR" "$(h_guest_image notify-event)"
