#!/bin/bash
# What 'virsh domcapabilities' says of <synic queue-depth='N'/>, from the
# real binaries: <hyperv-synic-queue-depth supported='yes'/> for the
# patched QEMU, supported='no' for Debian's.  It describes the binary, not
# the host, so it holds for TCG domains (asked on every host) as for KVM
# domains (asked where KVM is usable).
. "$(dirname "$0")/../lib.sh"
grep -qs 'hv-synic-queue-depth' "$ROOT/patches/$BASE/qemu/"*.patch ||
    skip "the $BASE QEMU queue does not carry hv-synic-queue-depth"
grep -qs "<hyperv-synic-queue-depth supported='yes'/>" "$ROOT/patches/$BASE/libvirt/"*.patch ||
    skip "the $BASE libvirt queue does not report hv-synic-queue-depth in domain capabilities"
[ -x "$QEMU_PATCHED" ] || fail "no patched QEMU at $QEMU_PATCHED; run 'make qemu'"
[ -x "$QEMU_STOCK" ] || fail "no stock QEMU at $QEMU_STOCK; run 'make deps'"
h_start_daemons logd

# queue_depth_cap EMULATOR VIRTTYPE: the element that the domain
# capabilities of EMULATOR have for VIRTTYPE domains
queue_depth_cap() {
    virsh domcapabilities --emulatorbin "$1" --arch x86_64 --virttype "$2" \
        > "$TMP/domcaps.$2" 2> "$TMP/err" ||
        { cat "$TMP/err"; fail "virsh domcapabilities --emulatorbin $1 --virttype $2 failed"; }
    grep -o "<hyperv-synic-queue-depth supported='[a-z]*'/>" "$TMP/domcaps.$2" || true
}

virttypes=qemu
why=$(h_kvm_why_not)
if [ -z "$why" ]; then
    virttypes="qemu kvm"
else
    h_log "KVM domains not asked: $why"
fi
for t in $virttypes; do
    got=$(queue_depth_cap "$QEMU_PATCHED" "$t")
    [ "$got" = "<hyperv-synic-queue-depth supported='yes'/>" ] ||
        fail "patched QEMU, $t domains: expected supported='yes', got '${got:-no element}'"
    h_log "patched QEMU, $t domains: $got"
    got=$(queue_depth_cap "$QEMU_STOCK" "$t")
    [ "$got" = "<hyperv-synic-queue-depth supported='no'/>" ] ||
        fail "Debian's QEMU, $t domains: expected supported='no', got '${got:-no element}'"
    h_log "Debian's QEMU, $t domains: $got"
done
