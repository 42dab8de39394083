#!/bin/bash
# A rejected redefinition (the 'virsh edit' path) leaves the stored
# definition byte-identical, and the error names element, attribute and
# value.
. "$(dirname "$0")/../lib.sh"
h_require_kvm
h_start_daemons logd

h_guest_xml nv-edit "<notify-vmexit state='on' mode='run' window='131072'/>" > "$TMP/good.xml"
virsh define "$TMP/good.xml" > /dev/null
virsh dumpxml --inactive nv-edit > "$TMP/before.xml"
cp "$PREFIX/etc/libvirt/qemu/nv-edit.xml" "$TMP/before-on-disk.xml"

try() {
    local element=$1 expect=$2
    h_guest_xml nv-edit "$element" > "$TMP/bad.xml"
    if virsh define "$TMP/bad.xml" > "$TMP/err" 2>&1; then
        fail "redefinition with $element was accepted"
    fi
    grep -qF -- "$expect" "$TMP/err" || { cat "$TMP/err"; fail "error for $element does not say: $expect"; }
    virsh dumpxml --inactive nv-edit > "$TMP/after.xml"
    cmp -s "$TMP/before.xml" "$TMP/after.xml" || fail "definition changed after rejected $element"
    cmp -s "$TMP/before-on-disk.xml" "$PREFIX/etc/libvirt/qemu/nv-edit.xml" ||
        fail "stored file changed after rejected $element"
    h_log "refused: $(tail -n 1 "$TMP/err")"
}

try "<notify-vmexit state='on' window='-1'/>" "attribute 'window' in element 'notify-vmexit': '-1'"
try "<notify-vmexit state='on' window='4294967296'/>" "'4294967296'"
try "<notify-vmexit state='off' mode='run'/>" "Attribute 'mode' in element 'notify-vmexit' is only allowed with state='on', found 'run'"
try "<notify-vmexit state='on' mode='disable'/>" "attribute 'mode' in element 'notify-vmexit': 'disable'"
try "<notify-vmexit state='maybe'/>" "attribute 'state' in element 'notify-vmexit': 'maybe'"
echo "5 rejected edits, definition intact"
