#!/bin/bash
# Each <notify-vmexit> setting reaches Debian 12's real QEMU 7.2 through
# the private virtqemud: the guest starts (QEMU accepted the -accel
# options), its command line carries them in order, and the live XML
# keeps the element as written.  Command lines go to
# build/results/notify-vmexit-cmdlines.txt.
. "$(dirname "$0")/../lib.sh"
h_require_kvm
h_start_daemons logd

out=$RESULTS/notify-vmexit-cmdlines.txt
: > "$out"

check() {
    local name=$1 element=$2 want=$3
    h_log "$name: $element"
    h_guest_xml "$name" "$element" > "$TMP/$name.xml"
    virsh define "$TMP/$name.xml" > /dev/null
    virsh start "$name" > /dev/null || fail "$name: QEMU refused to start with $element"
    h_wait_state "$name" "running (booted)" 10
    accel=$(h_qemu_cmdline "$name" | grep -A1 -x -- -accel | tail -n 1)
    [ "$accel" = "$want" ] || fail "$name: expected -accel $want, got -accel $accel"
    if [ -n "$element" ]; then
        virsh dumpxml "$name" | grep -qF "$element" ||
            fail "$name: live XML lost $element"
    fi
    { echo "## $name: ${element:-(no element)}"; h_qemu_cmdline "$name" | tr '\n' ' '; echo; } >> "$out"
    # left running: the harness stops every guest at the end at once
}

check nv-absent "" "kvm"
check nv-off "<notify-vmexit state='off'/>" "kvm,notify-vmexit=disable"
check nv-on "<notify-vmexit state='on'/>" "kvm,notify-vmexit=run"
check nv-run "<notify-vmexit state='on' mode='run' window='131072'/>" \
      "kvm,notify-vmexit=run,notify-window=131072"
check nv-internal-error "<notify-vmexit state='on' mode='internal-error' window='4096'/>" \
      "kvm,notify-vmexit=internal-error,notify-window=4096"
echo "command lines in $out"
