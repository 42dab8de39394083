#!/bin/bash
# Every bad input of the corpus (tests/corpus/*.tsv) is refused through the
# private virtqemud, both as a new definition and as an edit of a defined
# guest (a redefinition, what 'virsh edit' does, with and without schema
# validation): the error names element, attribute and value, the daemon
# stays up, and after a refused edit the stored definition is
# byte-identical.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/harness/daemons.sh"
h_require_kvm
h_start_daemons logd

# corpus_xml NAME DOMTYPE FEATURES
corpus_xml() {
    local uuid=c7a5fdbd-edaf-9455-926a-d65c16db1809
    [ "$1" = corpus-new ] && uuid=c7a5fdbd-edaf-9455-926a-d65c16db1810
    cat <<XML
<domain type='$2'>
  <name>$1</name>
  <uuid>$uuid</uuid>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <features>
    <acpi/>
    $3
  </features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
  </devices>
</domain>
XML
}

# the guest every edit is tried on
corpus_xml corpus-edit kvm "<kvm><notify-vmexit state='on' mode='run' window='131072'/></kvm><hyperv><vpindex state='on'/><synic state='on'/></hyperv>" > "$TMP/good.xml"
virsh define "$TMP/good.xml" > /dev/null
stored=$H_PREFIX/etc/libvirt/qemu/corpus-edit.xml
cp "$stored" "$TMP/stored-before.xml"
virsh dumpxml --inactive corpus-edit > "$TMP/dump-before.xml"

total=0 bad=0
for corpus in "$ROOT"/tests/corpus/*.tsv; do
    while IFS=$'\t' read -r name domtype features expect; do
        case "$name" in ''|'#'*) continue ;; esac
        total=$((total + 1))
        id="$(basename "$corpus" .tsv)/$name"
        for path in define edit edit-validate; do
            case $path in
                define) corpus_xml "corpus-new" "$domtype" "$features" > "$TMP/case.xml"; args=() ;;
                edit) corpus_xml "corpus-edit" "$domtype" "$features" > "$TMP/case.xml"; args=() ;;
                edit-validate) args=(--validate) ;;
            esac
            if virsh define "${args[@]}" "$TMP/case.xml" > "$TMP/out" 2>&1; then
                echo "NOT REFUSED: $id ($path)"
                bad=$((bad + 1))
                virsh undefine corpus-new > /dev/null 2>&1 || true
                continue
            fi
            # schema validation refuses with the schema's words; the
            # parser's own message is checked on the other two paths
            if [ "$path" != edit-validate ] && ! grep -qF -- "$expect" "$TMP/out"; then
                echo "WRONG MESSAGE: $id ($path): expected '$expect', got: $(tr '\n' ' ' < "$TMP/out")"
                bad=$((bad + 1))
            fi
        done
        if ! cmp -s "$TMP/stored-before.xml" "$stored"; then
            echo "DEFINITION CHANGED: $id"
            cp "$stored" "$TMP/stored-before.xml"
            bad=$((bad + 1))
        fi
        [ -n "$(_h_pid virtqemud)" ] && _h_alive "$(_h_pid virtqemud)" ||
            fail "virtqemud died on $id"
    done < "$corpus"
done

virsh dumpxml --inactive corpus-edit > "$TMP/dump-after.xml"
cmp -s "$TMP/dump-before.xml" "$TMP/dump-after.xml" || fail "the edited guest's definition changed"
echo "$total corpus cases, 3 paths each, $bad problems"
[ "$bad" -eq 0 ] || fail "$bad corpus problems"
