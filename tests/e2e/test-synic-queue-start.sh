#!/bin/bash
# Starting a guest with <synic queue-depth='8'/> on real binaries and KVM.
# Debian's QEMU: the definition is refused, and the error names the
# attribute, its value and the property the binary lacks.  The patched
# QEMU: the definition is taken; then either the host's KVM gives guests
# a SynIC, and the guest runs with hv-synic-queue-depth=8 on QEMU's
# command line, or it has no Hyper-V support (the hosts here), and the
# start fails with QEMU's error naming the missing host support, leaves
# no QEMU process behind and the definition intact.
. "$(dirname "$0")/../lib.sh"
grep -qs 'hv-synic-queue-depth' "$ROOT/patches/$BASE/qemu/"*.patch ||
    skip "the $BASE QEMU queue does not carry hv-synic-queue-depth"
h_require_kvm
h_start_daemons logd
export H_GUEST_FEATURES="<acpi/><hyperv mode='custom'><vpindex state='on'/><synic state='on' queue-depth='8'/></hyperv>"

h_use_qemu stock
h_guest_xml sq-stock "" > "$TMP/stock.xml"
if virsh define "$TMP/stock.xml" > "$TMP/err" 2>&1; then
    fail "Debian's QEMU took a definition with a SynIC queue depth"
fi
expect_in "$TMP/err" "Attribute 'queue-depth' in element 'synic' \(value '8'\) is not supported by this QEMU binary \(its x86 CPU has no 'hv-synic-queue-depth' property\)" \
    "Debian's QEMU: the refusal names attribute, value and property"
h_log "Debian's QEMU: $(tail -n 1 "$TMP/err")"

h_use_qemu patched
h_guest_xml sq "" > "$TMP/sq.xml"
virsh define "$TMP/sq.xml" > /dev/null
virsh dumpxml --inactive sq > "$TMP/before.xml"
expect_in "$TMP/before.xml" "<synic state='on' queue-depth='8'/>" "the stored definition"

# does the host's KVM give guests a SynIC? (the features of <hyperv/>)
virsh domcapabilities --emulatorbin "$QEMU_PATCHED" --arch x86_64 --virttype kvm > "$TMP/domcaps"
host_synic=no
grep -q '<value>synic</value>' "$TMP/domcaps" && host_synic=yes
h_log "the host's KVM gives guests a SynIC: $host_synic"

if virsh start sq > "$TMP/start" 2>&1; then
    [ "$host_synic" = yes ] ||
        fail "the guest started although the host's KVM has no SynIC: $(cat "$TMP/start")"
    h_qemu_cmdline sq | grep -q 'hv-synic-queue-depth=8' ||
        fail "QEMU runs without hv-synic-queue-depth=8: $(h_qemu_cmdline sq | grep -- -cpu -A1 | tail -n 1)"
    h_log "the guest runs with hv-synic-queue-depth=8"
    virsh destroy sq > /dev/null
    stopped="shut off (destroyed)"
else
    [ "$host_synic" = no ] ||
        { cat "$TMP/start"; fail "the guest did not start although the host's KVM has a SynIC"; }
    # QEMU checks the VP index (which a queue depth needs) first, then
    # each Hyper-V feature
    host_error="kernel doesn't allow setting HyperV VP_INDEX|Hyper-V .* is not supported by kernel"
    expect_in "$TMP/start" "$host_error" \
        "the start fails with QEMU's error naming the missing host support"
    h_log "refused by the host: $(grep -oE "$host_error" "$TMP/start" | head -n 1)"
    stopped="shut off (failed)"
fi

# nothing left behind: no QEMU process, the guest shut off, the
# definition as it was
h_wait_state sq "$stopped" 10 || fail "sq is not $stopped"
! pgrep -f -- '-name guest=sq,' > /dev/null || fail "a QEMU process of sq is left"
[ ! -e "$H_STATUSDIR/sq.pid" ] || fail "sq's pid file is left"
virsh dumpxml --inactive sq > "$TMP/after.xml"
cmp -s "$TMP/before.xml" "$TMP/after.xml" ||
    { diff "$TMP/before.xml" "$TMP/after.xml"; fail "the definition changed"; }
h_log "no QEMU process left, the definition intact"
