# Private virtlogd + virtqemud for end-to-end tests and the demo (sourced
# after tests/lib.sh or with BUILD set).
#
# The daemons run from the private install in build/prefix (with
# SANITIZE=1, build/prefix-sanitize): their
# configuration, run, state and log directories are all below it, no
# system service or system path is touched.  h_start_daemons installs an
# EXIT trap that destroys every guest and stops both daemons, also when
# the caller fails.

H_PREFIX=$BUILD/prefix${NV_FLAVOUR:-}
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

# h_write_virtlogd_conf: virtlogd's defaults, or with H_VIRTLOGD_MAX_SIZE
# set, rotation of each log at that many bytes (3 backups, the default)
h_write_virtlogd_conf() {
    {
        echo "# Written by tests/harness/daemons.sh for the private virtlogd."
        if [ -n "${H_VIRTLOGD_MAX_SIZE:-}" ]; then
            echo "max_size = $H_VIRTLOGD_MAX_SIZE"
            echo "max_backups = 3"
        fi
    } > "$H_PREFIX/etc/libvirt/virtlogd.conf"
}

_h_pid() { cat "$H_PREFIX/var/run/$1.pid" 2>/dev/null; }

# _h_alive PID: running, and not a zombie waiting for its reaper
_h_alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

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
    # Pinned to CPU 0: in a nested VM the host CPUID that libvirt keys its
    # QEMU capability cache on differs between CPUs (APIC IDs), so a daemon
    # started on the other CPU would re-probe QEMU (about 8 s).  libvirt
    # gives QEMU processes all host CPUs again, so guests are not pinned.
    taskset -c 0 "$H_PREFIX/sbin/virtqemud" --daemon --pid-file="$H_PREFIX/var/run/virtqemud.pid" ||
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
        _h_alive "$pid" || break
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
    h_write_virtlogd_conf
    if [ "$mode" = logd ]; then
        rm -f "$H_PREFIX/var/run/libvirt/virtlogd-sock"
        "$H_PREFIX/sbin/virtlogd" --daemon --pid-file="$H_PREFIX/var/run/virtlogd.pid" ||
            { echo "FAIL: virtlogd did not start" >&2; return 1; }
        _h_wait_socket "$H_PREFIX/var/run/libvirt/virtlogd-sock" ||
            { echo "FAIL: virtlogd socket did not appear within 10 s" >&2; return 1; }
    fi
    h_start_virtqemud
}

# h_stop_daemons: stop virtqemud, every guest of ours and virtlogd, fast.
# The next h_start_daemons starts from a clean slate anyway, so there is
# no point in a graceful 'virsh destroy' of each guest (1.6 s each here).
h_stop_daemons() {
    local pid i
    h_stop_virtqemud KILL
    # our guests are the QEMU processes running our private guest images
    pkill -KILL -f "qemu-system-x86_64 .*$H_GUESTDIR" 2>/dev/null || true
    for i in $(seq 1 50); do
        pgrep -f "qemu-system-x86_64 .*$H_GUESTDIR" > /dev/null || break
        sleep 0.1
    done
    if pid=$(_h_pid virtlogd); then
        kill "$pid" 2>/dev/null || true
        for i in $(seq 1 50); do
            _h_alive "$pid" || break
            sleep 0.1
        done
    fi
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

# h_injector_env NAME: <qemu:env> lines that preload the exit injector
# into the guest's QEMU, with a trigger and a log of its own
h_injector_env() {
    cat <<XML
<qemu:env name='LD_PRELOAD' value='$H_INJECTOR'/>
    <qemu:env name='NOTIFY_INJECT_TRIGGER' value='$H_GUESTDIR/$1.trigger'/>
    <qemu:env name='NOTIFY_INJECT_LOG' value='$H_GUESTDIR/$1.inject.log'/>
XML
}

# h_inject NAME KIND [VCPU]: ask the injector of NAME for one exit and wait
# until it injected it (or refused it); prints the injector's line
h_inject() {
    local name=$1 kind=$2 vcpu=${3:-0} log=$H_GUESTDIR/$1.inject.log before i
    before=$(grep -c . "$log" 2>/dev/null || true)
    echo "$kind $vcpu" > "$H_GUESTDIR/$name.trigger.tmp"
    mv "$H_GUESTDIR/$name.trigger.tmp" "$H_GUESTDIR/$name.trigger"
    for i in $(seq 1 100); do
        if tail -n +"$((before + 1))" "$log" 2>/dev/null | grep -E " (inject|refused) " ; then
            return 0
        fi
        sleep 0.1
    done
    echo "FAIL: $name: the injector did not take '$kind' within 10 s (log: $log)" >&2
    return 1
}

# h_log_fill NAME BYTES: make the injector in NAME's QEMU write BYTES (a
# multiple of 64) of filler lines to its stderr, and wait until the last
# one reached QEMU's log (through virtlogd, possibly rotated, or the file)
h_log_fill() {
    local name=$1 bytes=$2 log=$H_GUESTDIR/$1.inject.log before last i
    before=$(grep -c . "$log" 2>/dev/null || true)
    last=$(printf 'notify-injector: filler %09d ' $((bytes / 64 - 1)))
    echo "log-fill $bytes" > "$H_GUESTDIR/$name.trigger.tmp"
    mv "$H_GUESTDIR/$name.trigger.tmp" "$H_GUESTDIR/$name.trigger"
    for i in $(seq 1 300); do
        if tail -n +"$((before + 1))" "$log" 2>/dev/null | grep -q " refused " ; then
            echo "FAIL: $name: the injector refused 'log-fill $bytes' (log: $log)" >&2
            return 1
        fi
        if grep -q -F "$last" "$H_LOGDIR/$name".log* 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "FAIL: $name: $bytes bytes of filler did not reach $H_LOGDIR/$name.log within 30 s" >&2
    return 1
}

# h_events_start FILE / h_events_stop: lifecycle events as virsh prints them
h_events_start() {
    virsh event --loop --all --timestamp > "$1" 2>&1 &
    H_EVENTS_PID=$!
    sleep 0.3
}
h_events_stop() {
    if [ -n "${H_EVENTS_PID:-}" ]; then
        kill "$H_EVENTS_PID" 2>/dev/null || true
        wait "$H_EVENTS_PID" 2>/dev/null || true
    fi
    H_EVENTS_PID=
    return 0
}

# h_wait_event FILE PATTERN SECONDS
h_wait_event() {
    local i
    for i in $(seq 1 $(( ${3:-10} * 10 ))); do
        grep -qE -- "$2" "$1" && return 0
        sleep 0.1
    done
    echo "FAIL: no event matching '$2' within ${3:-10}s; events:" >&2
    cat "$1" >&2
    return 1
}

# h_define_start NAME KVM_FEATURES_XML [ON_CRASH]: a guest with the
# injector, started and running
h_define_start() {
    rm -f "$H_GUESTDIR/$1.inject.log" "$H_GUESTDIR/$1.trigger"
    h_guest_xml "$1" "$2" "${3:-destroy}" "" "$(h_injector_env "$1")" > "$H_GUESTDIR/$1.xml"
    virsh define "$H_GUESTDIR/$1.xml" > /dev/null
    virsh start "$1" > /dev/null
    h_wait_state "$1" "running (booted)" 10
}
