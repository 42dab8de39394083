#!/bin/bash
# The exit injector against a bare QEMU 7.2 with QMP, no libvirt: each
# synthetic exit gives QEMU's real reaction (run state, warning on stderr),
# and the capability handshake is logged with the window QEMU asked for.
. "$(cd "$(dirname "$0")/../.." && pwd)/harness/lib.sh"
. "$HARNESS/daemons.sh"
. "$HARNESS/guest.sh"
h_require_kvm
python3 "$HARNESS/injector/bare_qemu.py" "$INJECTOR" "$(h_guest_image bare-qemu)"
