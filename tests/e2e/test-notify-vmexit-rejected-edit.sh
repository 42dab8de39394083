#!/bin/bash
# A rejected redefinition (the 'virsh edit' path) leaves the stored
# definition byte-identical, and the error names element, attribute and
# value.  'virsh edit' itself, run the way a script runs it (EDITOR=sed,
# standard input not a terminal), fails on a refused change: exit status
# 1, the daemon's error, no "XML configuration edited".
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

# virsh edit without a terminal: a refused change fails, an accepted one
# is taken
# editor SED_SCRIPT: an editor that applies SED_SCRIPT, as a script would
editor() {
    printf '#!/bin/sh\nsed -i -e "%s" "$1"\n' "$1" > "$TMP/editor"
    chmod +x "$TMP/editor"
}

editor "s/<notify-vmexit state='on' mode='run' window='131072'/<notify-vmexit state='off' window='777'/"
EDITOR=$TMP/editor "$PREFIX/bin/virsh" -c "$H_URI" edit nv-edit < /dev/null > "$TMP/edit.out" 2>&1 && rc=0 || rc=$?
[ "$rc" = 1 ] || { cat "$TMP/edit.out"; fail "virsh edit of a refused change exited $rc, not 1"; }
if grep -q "XML configuration edited" "$TMP/edit.out"; then
    cat "$TMP/edit.out"
    fail "virsh edit reported a refused change as edited"
fi
grep -q "error: Failed." "$TMP/edit.out" || { cat "$TMP/edit.out"; fail "virsh edit did not report the failure"; }
# (virsh edit has the daemon validate against the schema first)
grep -q "failed to validate against schema" "$TMP/edit.out" ||
    { cat "$TMP/edit.out"; fail "virsh edit did not give the daemon's reason"; }
virsh dumpxml --inactive nv-edit > "$TMP/after.xml"
cmp -s "$TMP/before.xml" "$TMP/after.xml" || fail "definition changed after a refused virsh edit"
h_log "virsh edit without a terminal refused: $(grep -v '^$' "$TMP/edit.out" | paste -sd ' ')"

editor "s/window='131072'/window='262144'/"
EDITOR=$TMP/editor "$PREFIX/bin/virsh" -c "$H_URI" edit nv-edit < /dev/null > "$TMP/edit.out" 2>&1 ||
    { cat "$TMP/edit.out"; fail "virsh edit of an accepted change failed"; }
grep -q "Domain 'nv-edit' XML configuration edited." "$TMP/edit.out" ||
    { cat "$TMP/edit.out"; fail "virsh edit did not report the accepted change"; }
virsh dumpxml --inactive nv-edit > "$TMP/edited.xml"
grep -q "window='262144'" "$TMP/edited.xml" || fail "virsh edit did not change the window"
echo "5 rejected edits and a refused virsh edit, definition intact; an accepted virsh edit taken"
