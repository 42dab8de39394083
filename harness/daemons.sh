# Private virtlogd + virtqemud (sourced after harness/lib.sh).
#
# The daemons run from the private install $PREFIX (build/prefix, or
# build/prefix-sanitize with SANITIZE=1): their configuration, run, state
# and log directories are all below it; no system service or system path
# is touched.  h_start_daemons registers an exit action that stops both
# daemons and kills every guest of ours, also when the caller fails.

H_SOCK=$PREFIX/var/run/libvirt/virtqemud-sock
H_URI="qemu:///system?socket=$H_SOCK"
H_LOGDIR=$PREFIX/var/log/libvirt/qemu
H_STATUSDIR=$PREFIX/var/run/libvirt/qemu
export LIBVIRT_DEFAULT_URI=$H_URI

virsh() { "$PREFIX/bin/virsh" -q -c "$H_URI" "$@"; }

# h_write_qemu_conf logd|file
h_write_qemu_conf() {
    cat > "$PREFIX/etc/libvirt/qemu.conf" <<CONF
# Written by harness/daemons.sh for the private virtqemud.
stdio_handler = "$1"
CONF
}

# h_write_virtlogd_conf: virtlogd's defaults, or with H_VIRTLOGD_MAX_SIZE
# set, rotation of each log at that many bytes (3 backups, the default)
h_write_virtlogd_conf() {
    {
        echo "# Written by harness/daemons.sh for the private virtlogd."
        if [ -n "${H_VIRTLOGD_MAX_SIZE:-}" ]; then
            echo "max_size = $H_VIRTLOGD_MAX_SIZE"
            echo "max_backups = 3"
        fi
    } > "$PREFIX/etc/libvirt/virtlogd.conf"
}

# h_daemon_pid DAEMON: its pid, from its pid file
h_daemon_pid() { cat "$PREFIX/var/run/$1.pid" 2>/dev/null; }

# h_daemon_alive DAEMON: running, and not a zombie waiting for its reaper
h_daemon_alive() {
    local pid
    pid=$(h_daemon_pid "$1") || return 1
    _h_pid_alive "$pid"
}
_h_pid_alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# _h_wait_gone PID: wait up to 10 s for PID to end
_h_wait_gone() {
    local i
    for i in $(seq 1 100); do
        _h_pid_alive "$1" || return 0
        sleep 0.1
    done
    return 1
}

_h_wait_socket() {
    local i
    for i in $(seq 1 100); do
        [ -S "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# _h_daemon NAME ARGS...: start a daemon of the private install.  The
# sanitized daemons get the fork guard: GCC 12's ASan allocator is not
# fork-safe, and virtqemud allocates in the child it forks for QEMU
# (harness/fork-guard/fork-guard.c says why).
_h_daemon() {
    local name=$1 env=()
    shift
    if [ "$FLAVOUR" = sanitize ]; then
        # the guard comes before ASan's runtime in the library list, and
        # hides the dynamic linker from LeakSanitizer (lsan.supp says why)
        env=(LD_PRELOAD="$FORK_GUARD"
             ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
             LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$HARNESS/fork-guard/lsan.supp:print_suppressions=0")
    fi
    # --daemon returns once the daemon has forked and set up its sockets
    timeout 60 env "${env[@]}" "$@" "$PREFIX/sbin/$name" --daemon --pid-file="$PREFIX/var/run/$name.pid"
}

# h_start_virtqemud: start (or restart) virtqemud alone
h_start_virtqemud() {
    rm -f "$H_SOCK"
    # Pinned to CPU 0: in a nested VM the host CPUID that libvirt keys its
    # QEMU capability cache on differs between CPUs (APIC IDs), so a daemon
    # started on the other CPU would re-probe QEMU (about 8 s).  libvirt
    # gives QEMU processes all host CPUs again, so guests are not pinned.
    _h_daemon virtqemud taskset -c 0 ||
        { echo "FAIL: virtqemud did not start within 60 s; see $PREFIX/var/log/libvirt" >&2
          _h_virtqemud_stacks; return 1; }
    _h_wait_socket "$H_SOCK" ||
        { echo "FAIL: virtqemud socket $H_SOCK did not appear within 10 s" >&2; return 1; }
    # The first connection waits for the QEMU driver's start-up (the
    # reconnects to running QEMU processes go on in threads of their own),
    # and probes QEMU's capabilities when they are not cached.  A daemon
    # that does not answer names itself rather than running into the
    # test's timeout.
    timeout "${H_VIRTQEMUD_ANSWER_S:-240}" "$PREFIX/bin/virsh" -q -c "$H_URI" version > /dev/null ||
        { echo "FAIL: virtqemud did not answer 'virsh version' within ${H_VIRTQEMUD_ANSWER_S:-240} s" >&2
          _h_virtqemud_stacks; return 1; }
}

# _h_virtqemud_stacks: what a virtqemud that does not answer is doing: the
# stack of each of its threads (gdb, else the kernel's view), on stderr
_h_virtqemud_stacks() {
    local pid t
    pid=$(pgrep -f "^$PREFIX/sbin/virtqemud " | head -n 1) ||
        { echo "virtqemud is not running" >&2; return 0; }
    echo "--- virtqemud $pid, its threads:" >&2
    if command -v gdb > /dev/null; then
        timeout 60 gdb -p "$pid" -batch -nx -ex 'thread apply all bt' 2>&1 |
            grep -E '^(Thread|#)' >&2 || true
    else
        for t in /proc/"$pid"/task/*; do
            echo "thread ${t##*/} ($(cat "$t/comm" 2>/dev/null)):" >&2
            cat "$t/stack" >&2 2>/dev/null || true
        done
    fi
    echo "--- end of virtqemud $pid" >&2
}

# h_stop_virtqemud [SIGNAL]: stop virtqemud, leaving guests running
h_stop_virtqemud() {
    local pid sig=${1:-TERM}
    pid=$(h_daemon_pid virtqemud) || return 0
    kill -"$sig" "$pid" 2>/dev/null || return 0
    _h_wait_gone "$pid" ||
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PREFIX/var/run/virtqemud.pid"
}

# h_start_daemons logd|file: clean state, then virtlogd and virtqemud
h_start_daemons() {
    local mode=${1:-logd}
    h_stop_daemons
    h_on_exit h_stop_daemons
    mkdir -p "$GUESTS"
    # a clean slate: no leftover definitions, status or logs
    rm -f "$PREFIX"/etc/libvirt/qemu/*.xml "$H_STATUSDIR"/*.xml
    rm -f "$H_LOGDIR"/*.log*
    h_write_qemu_conf "$mode"
    h_write_virtlogd_conf
    if [ "$mode" = logd ]; then
        rm -f "$PREFIX/var/run/libvirt/virtlogd-sock"
        _h_daemon virtlogd ||
            { echo "FAIL: virtlogd did not start" >&2; return 1; }
        _h_wait_socket "$PREFIX/var/run/libvirt/virtlogd-sock" ||
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
    # (a test's own, when it has a private instance)
    pkill -KILL -f "qemu-system-x86_64 .*$GUESTS/[^/ ]+\.img" 2>/dev/null || true
    for i in $(seq 1 50); do
        pgrep -f "qemu-system-x86_64 .*$GUESTS/[^/ ]+\.img" > /dev/null || break
        sleep 0.1
    done
    if pid=$(h_daemon_pid virtlogd); then
        kill "$pid" 2>/dev/null || true
        _h_wait_gone "$pid" || true
    fi
    rm -f "$PREFIX/var/run/virtlogd.pid"
}

# h_sweep_instances: kill what tests that were killed themselves (a timeout
# that ended in SIGKILL) may have left: daemons of the install running in
# another mount namespace than ours, and the QEMU processes of the
# instances' guests
h_sweep_instances() {
    local me pid
    me=$(readlink /proc/self/ns/mnt)
    # our daemons, and Debian's libvirtd of the downgrade test
    for pid in $(pgrep -f "^($PREFIX/sbin/virt(qemud|logd)|$STOCK/usr/sbin/libvirtd) " || true); do
        [ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" = "$me" ] || kill -KILL "$pid" 2>/dev/null || true
    done
    pkill -KILL -f "qemu-system-x86_64 .*$GUESTS/[^/ ]+/[^/ ]+\.img" 2>/dev/null || true
}
