#!/bin/bash
# Every bad input of the corpus (tests/corpus/*.tsv) is refused through the
# private virtqemud, both as a new definition and as an edit of a defined
# guest (a redefinition, what 'virsh edit' does, with and without schema
# validation): the error names element, attribute and value, the daemon
# stays up, and after a refused edit the stored definition is
# byte-identical.  A case runs on the patched QEMU unless its fifth column
# names Debian's ('stock').
. "$(dirname "$0")/../lib.sh"
h_require_kvm
h_start_daemons logd

# corpus_xml NAME DOMTYPE FEATURES: the harness' guest with this domain
# type and <features> content, and a UUID of its own derived from the name
corpus_xml() {
    H_GUEST_TYPE=$2 H_GUEST_FEATURES="<acpi/>$3" \
    H_GUEST_UUID=$(printf 'c7a5fdbd-edaf-9455-926a-%012x' "$(printf '%s' "$1" | cksum | cut -d' ' -f1)") \
        h_guest_xml "$1" ""
}

# run_corpus FILE: every case of FILE, through a new definition and edits
# of a guest of its own (so that the corpus files can run side by side);
# prints the problems, then "cases N problems N"
run_corpus() {
    local corpus=$1 tag work edit new stored total=0 bad=0
    local name domtype features expect qemu id path
    tag=$(basename "$corpus" .tsv)
    work=$TMP/$tag
    edit=corpus-edit-$tag
    new=corpus-new-$tag
    mkdir -p "$work"
    h_use_qemu patched
    corpus_xml "$edit" kvm "<kvm><notify-vmexit state='on' mode='run' window='131072'/></kvm><hyperv><vpindex state='on'/><synic state='on'/></hyperv>" > "$work/good.xml"
    virsh define "$work/good.xml" > /dev/null
    stored=$PREFIX/etc/libvirt/qemu/$edit.xml
    cp "$stored" "$work/stored-before.xml"
    virsh dumpxml --inactive "$edit" > "$work/dump-before.xml"

    while IFS=$'\t' read -r name domtype features expect qemu; do
        case "$name" in ''|'#'*) continue ;; esac
        total=$((total + 1))
        id="$tag/$name"
        h_use_qemu "${qemu:-patched}" || { echo "BAD CASE: $id"; bad=$((bad + 1)); continue; }
        for path in define edit edit-validate; do
            case $path in
                define) corpus_xml "$new" "$domtype" "$features" > "$work/case.xml"; args=() ;;
                edit) corpus_xml "$edit" "$domtype" "$features" > "$work/case.xml"; args=() ;;
                edit-validate) args=(--validate) ;;
            esac
            if virsh define "${args[@]}" "$work/case.xml" > "$work/out" 2>&1; then
                echo "NOT REFUSED: $id ($path)"
                bad=$((bad + 1))
                virsh undefine "$new" > /dev/null 2>&1 || true
                continue
            fi
            # schema validation refuses with the schema's words; the
            # parser's own message is checked on the other two paths
            if [ "$path" != edit-validate ] && ! grep -qF -- "$expect" "$work/out"; then
                echo "WRONG MESSAGE: $id ($path): expected '$expect', got: $(tr '\n' ' ' < "$work/out")"
                bad=$((bad + 1))
            fi
        done
        if ! cmp -s "$work/stored-before.xml" "$stored"; then
            echo "DEFINITION CHANGED: $id"
            cp "$stored" "$work/stored-before.xml"
            bad=$((bad + 1))
        fi
    done < "$corpus"

    virsh dumpxml --inactive "$edit" > "$work/dump-after.xml"
    if ! cmp -s "$work/dump-before.xml" "$work/dump-after.xml"; then
        echo "DEFINITION CHANGED: $edit at the end"
        bad=$((bad + 1))
    fi
    echo "cases $total problems $bad"
}

pids=()
for corpus in "$ROOT"/tests/corpus/*.tsv; do
    run_corpus "$corpus" > "$TMP/$(basename "$corpus").result" 2>&1 &
    pids+=($!)
done
for p in "${pids[@]}"; do
    wait "$p" || fail "a corpus run failed"
done
h_daemon_alive virtqemud || fail "virtqemud died"

total=0 bad=0
for r in "$TMP"/*.result; do
    grep -v '^cases ' "$r" || true
    read -r _ t _ b < <(grep '^cases ' "$r")
    total=$((total + t)); bad=$((bad + b))
done
echo "$total corpus cases, 3 paths each, $bad problems"
[ "$total" -ge 80 ] || fail "only $total corpus cases ran"
[ "$bad" -eq 0 ] || fail "$bad corpus problems"
