#!/bin/bash
# The exit injector against a bare QEMU 7.2 with QMP, no libvirt: each
# synthetic exit gives QEMU's real reaction (run state, warning on stderr),
# and the capability handshake is logged with the window QEMU asked for.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/harness/daemons.sh"
h_require_kvm
python3 "$ROOT/tests/injector/bare_qemu.py" "$H_INJECTOR" "$(h_guest_image bare-qemu)"
