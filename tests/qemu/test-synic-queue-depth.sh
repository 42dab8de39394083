#!/bin/bash
# hv-synic-queue-depth in the patched QEMU, with no KVM needed: QEMU's own
# unit test of the SynIC message queue (order, depth, delivery into each
# freed slot, reset, migration), then the property under TCG: realize
# refuses a depth without hv-synic, above 4096 or with
# x-hv-synic-kvm-only, with errors that name the property and the value,
# and keeps a valid depth.  Debian's QEMU, the control, has no such
# property.  (Only KVM creates a SynIC, so no guest uses the queue here.)
. "$(dirname "$0")/../lib.sh"
grep -qs 'hv-synic-queue-depth' "$ROOT/patches/$BASE/qemu/"*.patch ||
    skip "the $BASE QEMU queue does not carry hv-synic-queue-depth"
[ -x "$QEMU_PATCHED" ] || fail "no patched QEMU at $QEMU_PATCHED; run 'make qemu'"
[ -x "$QEMU_STOCK" ] || fail "no stock QEMU at $QEMU_STOCK; run 'make deps'"

# QEMU's unit test, from the build the patched QEMU was installed from
unit=$QEMU_BUILD/tests/unit/test-hyperv-msg-queue
[ -x "$unit" ] || fail "$unit is missing: the patched QEMU was built without its queue test; run 'make qemu'"
"$unit" > "$TMP/unit.out" 2> "$TMP/unit.err" || {
    cat "$TMP/unit.out" "$TMP/unit.err"; fail "QEMU's unit test $unit failed"; }
for case in order depth max-depth busy-slot wrap drop-owner reset \
        migration migration/empty migration/too-deep; do
    expect_in "$TMP/unit.out" "^ok [0-9]+ /hyperv/msg-queue/$case\$" "unit test case $case"
done
! grep -q '^not ok' "$TMP/unit.out" || { cat "$TMP/unit.out"; fail "a unit test case failed"; }
echo "QEMU's unit test: $(grep -c '^ok ' "$TMP/unit.out") cases passed"

# qmp QEMU CPU [COMMANDS...]: start QEMU under TCG, stopped, with -cpu CPU,
# send the QMP commands, then quit; stdout and stderr in $TMP/qmp.out,
# QEMU's exit status returned
qmp() {
    local qemu=$1 cpu=$2 rc=0
    shift 2
    { echo '{"execute": "qmp_capabilities"}'
      printf '%s\n' "$@"
      echo '{"execute": "quit"}'; } |
        timeout 60 "$qemu" -L /usr/share/seabios -accel tcg -machine pc \
            -nodefaults -display none -S -cpu "$cpu" -qmp stdio \
            > "$TMP/qmp.out" 2>&1 || rc=$?
    return "$rc"
}
get_depth='{"execute": "qom-get", "arguments": {"path": "/machine/unattached/device[0]", "property": "hv-synic-queue-depth"}}'
list_props='{"execute": "qom-list-properties", "arguments": {"typename": "max-x86_64-cpu"}}'

# refused: QEMU exits with an error that names the property and the value
refused() {
    if qmp "$QEMU_PATCHED" "$1"; then
        cat "$TMP/qmp.out"; fail "-cpu $1 was accepted"
    fi
    expect_in "$TMP/qmp.out" "$2" "-cpu $1 refused"
}
refused qemu64,hv-synic-queue-depth=4 'hv-synic-queue-depth=4 requires hv-synic'
refused qemu64,hv-synic=on,hv-synic-queue-depth=4097 \
    'hv-synic-queue-depth=4097 is too deep: the most is 4096'
refused qemu64,hv-synic=on,x-hv-synic-kvm-only=on,hv-synic-queue-depth=8 \
    'hv-synic-queue-depth=8 cannot be used with x-hv-synic-kvm-only'

# accepted: the CPU keeps the depth; 0 is the default
qmp "$QEMU_PATCHED" qemu64,hv-synic=on,hv-synic-queue-depth=4096 "$get_depth" ||
    { cat "$TMP/qmp.out"; fail "-cpu qemu64,hv-synic=on,hv-synic-queue-depth=4096 was refused"; }
expect_in "$TMP/qmp.out" '^\{"return": 4096\}' "the CPU's depth, 4096"
qmp "$QEMU_PATCHED" qemu64,hv-synic=on "$get_depth" "$list_props" ||
    { cat "$TMP/qmp.out"; fail "-cpu qemu64,hv-synic=on was refused"; }
expect_in "$TMP/qmp.out" '^\{"return": 0\}' "the CPU's default depth, 0"
# what libvirt probes: the property of max-x86_64-cpu
expect_in "$TMP/qmp.out" '"name": "hv-synic-queue-depth", "type": "uint32"\}' \
    "hv-synic-queue-depth in the properties of max-x86_64-cpu"

# the control: Debian's QEMU has no such property
qmp "$QEMU_STOCK" qemu64 "$list_props" || { cat "$TMP/qmp.out"; fail "Debian's QEMU did not start"; }
! grep -q 'hv-synic-queue-depth' "$TMP/qmp.out" ||
    fail "Debian's QEMU lists hv-synic-queue-depth: this is not the stock binary"
expect_in "$TMP/qmp.out" '"name": "hv-synic"' "Debian's QEMU lists hv-synic"
if qmp "$QEMU_STOCK" qemu64,hv-synic=on,hv-synic-queue-depth=4; then
    fail "Debian's QEMU accepted hv-synic-queue-depth"
fi
expect_in "$TMP/qmp.out" "Property '[^']*hv-synic-queue-depth' not found" \
    "Debian's QEMU refuses hv-synic-queue-depth"
echo "hv-synic-queue-depth: 3 refusals, 2 depths kept, the control without it"
