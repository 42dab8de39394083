# Private virtlogd + virtqemud for end-to-end tests and the demo (sourced
# after tests/lib.sh or with BUILD set).
#
# The daemons run from the private install in build/prefix: their
# configuration, run, state and log directories are all below it, no
# system service or system path is touched.  h_start_daemons installs an
# EXIT trap that destroys every guest and stops both daemons, also when
# the caller fails.

H_PREFIX=$BUILD/prefix
H_SOCK=$H_PREFIX/var/run/libvirt/virtqemud-sock
H_URI="qemu:///system?socket=$H_SOCK"
H_LOGDIR=$H_PREFIX/var/log/libvirt/qemu
H_GUESTDIR=$BUILD/guests
H_INJECTOR=$BUILD/tools/tools/injector/libnotify-injector.so
export LIBVIRT_DEFAULT_URI=$H_URI

h_log() { echo "[$(date +%H:%M:%S)] $*"; }

# h_require_kvm: skip (exit 77) when KVM cannot be used here.
h_require_kvm() {
    if ! python3 -c 'import os; os.close(os.open("/dev/kvm", os.O_RDWR))' 2>/dev/null; then
        echo "SKIP: /dev/kvm is missing or not usable by $(id -un): end-to-end tests need KVM"
        exit 77
    fi
    [ -x /usr/bin/qemu-system-x86_64 ] ||
        { echo "SKIP: /usr/bin/qemu-system-x86_64 is missing: run 'make deps'"; exit 77; }
    [ -x "$H_PREFIX/sbin/virtqemud" ] ||
        { echo "FAIL: $H_PREFIX/sbin/virtqemud is missing: run 'make'" >&2; exit 1; }
    [ -f "$H_INJECTOR" ] ||
        { echo "FAIL: $H_INJECTOR is missing: run 'make'" >&2; exit 1; }
}

virsh() { "$H_PREFIX/bin/virsh" -q -c "$H_URI" "$@"; }

# h_write_qemu_conf logd|file
h_write_qemu_conf() {
    cat > "$H_PREFIX/etc/libvirt/qemu.conf" <<CONF
# Written by tests/harness/daemons.sh for the private virtqemud.
stdio_handler = "$1"
CONF
}

_h_pid() { cat "$H_PREFIX/var/run/$1.pid" 2>/dev/null; }

_h_wait_socket() {
    local i
    for i in $(seq 1 100); do
        [ -S "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# h_start_virtqemud: start (or restart) virtqemud alone
h_start_virtqemud() {
    rm -f "$H_SOCK"
    "$H_PREFIX/sbin/virtqemud" --daemon --pid-file="$H_PREFIX/var/run/virtqemud.pid" ||
        { echo "FAIL: virtqemud did not start; see $H_PREFIX/var/log/libvirt" >&2; return 1; }
    _h_wait_socket "$H_SOCK" ||
        { echo "FAIL: virtqemud socket $H_SOCK did not appear within 10 s" >&2; return 1; }
    # the first connection also probes QEMU's capabilities (cached later)
    virsh version > /dev/null
}

# h_stop_virtqemud [SIGNAL]: stop virtqemud, leaving guests running
h_stop_virtqemud() {
    local pid sig=${1:-TERM} i
    pid=$(_h_pid virtqemud) || return 0
    kill -"$sig" "$pid" 2>/dev/null || return 0
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$H_PREFIX/var/run/virtqemud.pid"
}

# h_start_daemons logd|file: clean state, then virtlogd and virtqemud
h_start_daemons() {
    local mode=${1:-logd}
    h_stop_daemons
    trap h_cleanup EXIT
    mkdir -p "$H_GUESTDIR"
    # a clean slate: no leftover definitions, status or logs
    rm -f "$H_PREFIX"/etc/libvirt/qemu/*.xml "$H_PREFIX"/var/run/libvirt/qemu/*.xml
    rm -f "$H_LOGDIR"/*.log*
    h_write_qemu_conf "$mode"
    if [ "$mode" = logd ]; then
        rm -f "$H_PREFIX/var/run/libvirt/virtlogd-sock"
        "$H_PREFIX/sbin/virtlogd" --daemon --pid-file="$H_PREFIX/var/run/virtlogd.pid" ||
            { echo "FAIL: virtlogd did not start" >&2; return 1; }
        _h_wait_socket "$H_PREFIX/var/run/libvirt/virtlogd-sock" ||
            { echo "FAIL: virtlogd socket did not appear within 10 s" >&2; return 1; }
    fi
    h_start_virtqemud
}

# h_stop_daemons: destroy every guest, stop both daemons
h_stop_daemons() {
    local d pid
    if [ -S "$H_SOCK" ] && [ -n "$(_h_pid virtqemud)" ]; then
        for d in $(virsh list --all --name 2>/dev/null); do
            virsh destroy "$d" > /dev/null 2>&1 || true
            virsh undefine "$d" > /dev/null 2>&1 || true
        done
    fi
    h_stop_virtqemud
    # guests left by a daemon that died: they run our private guest images
    pkill -KILL -f "qemu-system-x86_64 .*$H_GUESTDIR" 2>/dev/null || true
    pid=$(_h_pid virtlogd) && { kill "$pid" 2>/dev/null || true; }
    rm -f "$H_PREFIX/var/run/virtlogd.pid"
}

h_cleanup() {
    local rc=$?
    h_stop_daemons > /dev/null 2>&1 || true
    [ "$(type -t cleanup_tmp)" = function ] && cleanup_tmp
    exit $rc
}

# h_guest_image NAME: a 512-byte boot sector that disables interrupts and
# halts (cli; hlt; jmp back), written by the harness itself; one copy a
# guest, so that QEMU's image locking never couples two guests
h_guest_image() {
    local img=$H_GUESTDIR/$1-boot-sector.img
    if [ ! -f "$img" ]; then
        mkdir -p "$H_GUESTDIR"
        printf '\xfa\xf4\xeb\xfd' > "$img.tmp"
        head -c 506 /dev/zero >> "$img.tmp"
        printf '\x55\xaa' >> "$img.tmp"
        mv "$img.tmp" "$img"
    fi
    echo "$img"
}

# h_guest_xml NAME KVM_FEATURES_XML [ON_CRASH] [EXTRA_DEVICES_XML] [QEMU_ENV_XML]
h_guest_xml() {
    local name=$1 kvm=$2 on_crash=${3:-destroy} extra=${4:-} qenv=${5:-}
    local ns=""
    [ -n "$qenv" ] && ns=" xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'"
    cat <<XML
<domain type='kvm'$ns>
  <name>$name</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    ${kvm:+<kvm>$kvm</kvm>}
  </features>
  <on_crash>$on_crash</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
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
    pid=$(cat "$H_PREFIX/var/run/libvirt/qemu/$1.pid") || return 1
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
