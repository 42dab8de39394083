# The guests of the harness (sourced after daemons.sh): the guest image and
# the one domain XML template that the demo, the benchmarks and every test
# use.

# h_guest_image NAME: a 512-byte boot sector that disables interrupts and
# halts (cli; hlt; jmp back), written by the harness itself; one copy a
# guest, so that QEMU's image locking never couples two guests.  With
# H_GUEST_SERIAL_TEXT set (at most 470 bytes, no NUL), the boot sector
# first writes that text to the first serial port, the way a hostile guest
# would: each byte once the UART's transmit register is empty (LSR bit 5),
# as a driver does, so that no byte is lost when the host is slow.
h_guest_image() {
    local img=$GUESTS/$1-boot-sector.img text=${H_GUEST_SERIAL_TEXT:-}
    if [ ! -f "$img" ]; then
        mkdir -p "$GUESTS"
        if [ -n "$text" ]; then
            [ "${#text}" -le 470 ] || { echo "FAIL: H_GUEST_SERIAL_TEXT is longer than 470 bytes" >&2; return 1; }
            # cli; xor ax,ax; mov ds,ax; cld; mov si,0x7c23
            # next: lodsb; test al,al; jz done; mov ah,al
            # wait: mov dx,0x3fd; in al,dx; test al,0x20; jz wait
            #       mov dx,0x3f8; mov al,ah; out dx,al; jmp next
            # done: hlt; jmp done; then the text (at 0x7c23) and a NUL
            printf '\xfa\x31\xc0\x8e\xd8\xfc\xbe\x23\x7c' > "$img.tmp"
            printf '\xac\x84\xc0\x74\x12\x88\xc4' >> "$img.tmp"
            printf '\xba\xfd\x03\xec\xa8\x20\x74\xf8' >> "$img.tmp"
            printf '\xba\xf8\x03\x88\xe0\xee\xeb\xe9' >> "$img.tmp"
            printf '\xf4\xeb\xfd' >> "$img.tmp"
            printf '%s\0' "$text" >> "$img.tmp"
        else
            printf '\xfa\xf4\xeb\xfd' > "$img.tmp"
        fi
        head -c $((510 - $(stat -c %s "$img.tmp"))) /dev/zero >> "$img.tmp"
        printf '\x55\xaa' >> "$img.tmp"
        mv "$img.tmp" "$img"
    fi
    echo "$img"
}

# h_use_qemu KIND: the QEMU that the guests defined from now on run:
# 'patched' (the default: this project's QEMU, which reports notify VM exits
# with its NOTIFY_VMEXIT event) or 'stock' (Debian's QEMU 7.2, for which
# libvirt falls back to the log)
h_use_qemu() {
    case "$1" in
        patched) H_QEMU=$QEMU_PATCHED ;;
        stock) H_QEMU=$QEMU_STOCK ;;
        *) echo "FAIL: unknown QEMU '$1' (known: patched, stock)" >&2; return 1 ;;
    esac
    H_QEMU_KIND=$1
}
h_use_qemu "${H_QEMU_KIND:-patched}"

# h_qemu_warning KIND: an extended regular expression for the warning that
# the QEMU of h_use_qemu writes to the guest's log for a notify exit of
# KIND: fatal-invalid (invalid context), fatal-valid (valid context, mode
# internal-error) or run-valid (valid context, mode run: not fatal).
# QEMU 9.1 rewrote the wording, and since then a fatal exit always says
# "invalid context", even when the context was valid.
h_qemu_warning() {
    local version major minor
    version=$("$H_QEMU" --version | sed -n '1s/^QEMU emulator version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
    read -r major minor <<< "$version"
    if [ "$major" -gt 9 ] || { [ "$major" -eq 9 ] && [ "$minor" -ge 1 ]; }; then
        case "$1" in
            fatal-invalid|fatal-valid)
                echo "warning: KVM internal error: Encountered a notify exit with invalid context in guest\." ;;
            run-valid)
                echo "warning: KVM: Encountered a notify exit with valid context in guest\. The guest could be misbehaving\." ;;
        esac
    else
        case "$1" in
            fatal-invalid)
                echo "warning: KVM internal error: Encounter a notify exit with invalid context in guest\." ;;
            fatal-valid)
                echo "warning: KVM internal error: Encounter a notify exit with valid context in guest\." ;;
            run-valid)
                echo "warning: KVM: Encounter a notify exit with valid context in guest\." ;;
        esac
    fi
}

# h_guest_xml NAME KVM_FEATURES_XML [ON_CRASH] [EXTRA_DEVICES_XML] [QEMU_ENV_XML]
#
# A 32 MiB, 1-vCPU KVM guest of the QEMU that h_use_qemu chose, booting
# h_guest_image.  KVM_FEATURES_XML goes
# into <features><kvm>; QEMU_ENV_XML (h_injector_env) into
# <qemu:commandline>.  For definitions that are meant to be refused, three
# variables change the rest: H_GUEST_TYPE (the domain type, default kvm),
# H_GUEST_FEATURES (the whole content of <features>, instead of <acpi/>
# and the <kvm> element) and H_GUEST_UUID.
h_guest_xml() {
    local name=$1 kvm=$2 on_crash=${3:-destroy} extra=${4:-} qenv=${5:-}
    local ns="" features
    [ -n "$qenv" ] && ns=" xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'"
    features=${H_GUEST_FEATURES:-<acpi/>${kvm:+<kvm>$kvm</kvm>}}
    cat <<XML
<domain type='${H_GUEST_TYPE:-kvm}'$ns>
  <name>$name</name>${H_GUEST_UUID:+
  <uuid>$H_GUEST_UUID</uuid>}
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    $features
  </features>
  <on_crash>$on_crash</on_crash>
  <devices>
    <emulator>$H_QEMU</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$(h_guest_image "$name")'/>
      <target dev='hda' bus='ide'/>
    </disk>
    <controller type='usb' model='none'/>
    <video><model type='none'/></video>
    <memballoon model='none'/>
    $extra
  </devices>
  ${qenv:+<qemu:commandline>$qenv</qemu:commandline>}
</domain>
XML
}

# h_qemu_cmdline NAME: the running QEMU's command line, one word a line
h_qemu_cmdline() {
    local pid
    pid=$(cat "$H_STATUSDIR/$1.pid") || return 1
    tr '\0' '\n' < "/proc/$pid/cmdline"
}

# h_wait_state NAME "STATE (REASON)" SECONDS
h_wait_state() {
    local name=$1 want=$2 secs=${3:-10} got i
    for i in $(seq 1 $((secs * 10))); do
        got=$(virsh domstate --reason "$name" 2>&1 || true)
        [ "$got" = "$want" ] && return 0
        sleep 0.1
    done
    echo "FAIL: $name: expected state '$want' within ${secs}s; got '$got'" >&2
    return 1
}

# h_define_start NAME KVM_FEATURES_XML [ON_CRASH] [EXTRA_DEVICES_XML]: a
# guest with the injector, defined, started and running
h_define_start() {
    h_injector_reset "$1"
    h_guest_xml "$1" "$2" "${3:-destroy}" "${4:-}" "$(h_injector_env "$1")" > "$GUESTS/$1.xml"
    virsh define "$GUESTS/$1.xml" > /dev/null
    virsh start "$1" > /dev/null
    h_wait_state "$1" "running (booted)" 10
}
