# Debian's own libvirt daemon beside ours (sourced after daemons.sh), for
# the downgrade test: the unpatched daemon of the base's revision, as
# pipeline/fetch-stock.sh extracted it into $STOCK, takes over the private
# instance's guests, and ours takes them back.
#
# Debian 12 ships no virtqemud; its daemon is libvirtd.  It runs here with
# the QEMU driver module alone (LIBVIRT_DRIVER_DIR, read by
# virDriverLoadModule in 9.0.0), which is what virtqemud is: the network,
# nwfilter and storage drivers would act on the host's network and
# firewall, as this is only a mount namespace.  Its paths are compiled in
# (/etc/libvirt, /run/libvirt, /var/lib/libvirt, ...); h_stock_mount binds
# the instance's directories there, so that both daemons see the same
# definitions, status files, QEMU monitor sockets, logs and virtlogd.

H_STOCK_SOCK=$PREFIX/var/run/libvirt/libvirt-sock
H_STOCK_URI="qemu:///system?socket=$H_STOCK_SOCK"
H_STOCK_PIDFILE=$PREFIX/var/run/stock-libvirtd.pid
H_STOCK_LOG=$PREFIX/var/log/libvirt/stock-libvirtd.log
H_OUR_URI=$H_URI

# h_stock_fetch: extract Debian's daemon into $STOCK unless it is there;
# on failure prints why and returns pipeline/fetch-stock.sh's status (2:
# apt cannot provide the packages)
h_stock_fetch() {
    local out rc=0
    out=$("$ROOT/pipeline/fetch-stock.sh" 2>&1) || rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "$out" >&2
    else
        echo "$out" | grep 'error:'
    fi
    return "$rc"
}

# h_stock_mount: bind the instance's directories onto the stock daemon's
# compiled-in paths, in the test's own mount namespace only.  Missing mount
# points are created as empty directories on the host: a tmpfs over a
# parent (/etc, /run, /var/lib, /usr/share) would hide what the daemon and
# QEMU need there (passwd, the dynamic linker's cache, QEMU's firmware).
h_stock_mount() {
    local dir=$INSTANCES/$INSTANCE
    [ -n "$INSTANCE" ] && [ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
        { echo "FAIL: h_stock_mount outside a private instance (harness/instance.sh)" >&2; return 1; }
    mountpoint -q /run/libvirt && return 0
    # a capability cache of its own: the stock driver module's ctime
    # invalidates the cache that our daemons share (and theirs, its own)
    mkdir -p "$dir/stock-cache" "$dir/stock-drivers"
    ln -sf "$STOCK/usr/lib/$MULTIARCH/libvirt/connection-driver/libvirt_driver_qemu.so" "$dir/stock-drivers/"
    _h_stock_bind "$PREFIX/etc/libvirt" /etc/libvirt
    _h_stock_bind "$PREFIX/var/run/libvirt" /run/libvirt
    _h_stock_bind "$PREFIX/var/lib/libvirt" /var/lib/libvirt
    _h_stock_bind "$PREFIX/var/log/libvirt" /var/log/libvirt
    _h_stock_bind "$dir/stock-cache" /var/cache/libvirt
    _h_stock_bind "$STOCK/usr/share/libvirt" /usr/share/libvirt
    # Debian's QEMU user and group (libvirt-daemon-system's postinst adds
    # them) are resolved when the QEMU driver starts, before qemu.conf is
    # read, and the driver fails without them: in this namespace's
    # /etc/passwd and /etc/group only, with Debian's ids
    if ! getent passwd libvirt-qemu > /dev/null; then
        { cat /etc/passwd; echo "libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin"; } > "$dir/stock-passwd"
        mount --bind "$dir/stock-passwd" /etc/passwd
    fi
    if ! getent group libvirt-qemu > /dev/null; then
        { cat /etc/group; echo "libvirt-qemu:x:64055:libvirt-qemu"; } > "$dir/stock-group"
        mount --bind "$dir/stock-group" /etc/group
    fi
}

_h_stock_bind() {
    mkdir -p "$2"
    mount --bind "$1" "$2"
}

# h_stock_pid: the stock daemon's pid, from its pid file
h_stock_pid() { cat "$H_STOCK_PIDFILE" 2>/dev/null; }

# h_stock_start: start the stock daemon (ours must be stopped) and point
# virsh at it
h_stock_start() {
    local conf=$PREFIX/etc/libvirt/stock-libvirtd.conf
    h_stock_mount
    h_on_exit h_stock_stop
    # QEMU runs as root here, our build's compiled-in user (so this line
    # changes nothing for ours); with Debian's, libvirt-qemu, the stock
    # driver would chown the instance's directories to it as it starts
    grep -q '^user = ' "$PREFIX/etc/libvirt/qemu.conf" ||
        printf 'user = "root"\ngroup = "root"\n' >> "$PREFIX/etc/libvirt/qemu.conf"
    cat > "$conf" <<CONF
# Written by harness/stock.sh for Debian's libvirtd.
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:file:$H_STOCK_LOG"
CONF
    rm -f "$H_STOCK_SOCK"
    # pinned to CPU 0 like ours (h_start_virtqemud says why)
    LD_LIBRARY_PATH=$STOCK/usr/lib/$MULTIARCH LIBVIRT_DRIVER_DIR=$INSTANCES/$INSTANCE/stock-drivers \
        taskset -c 0 "$STOCK/usr/sbin/libvirtd" --daemon --config "$conf" --pid-file "$H_STOCK_PIDFILE" ||
        { echo "FAIL: Debian's libvirtd did not start; see $H_STOCK_LOG" >&2; return 1; }
    _h_wait_socket "$H_STOCK_SOCK" ||
        { echo "FAIL: Debian's libvirtd socket $H_STOCK_SOCK did not appear within 10 s; see $H_STOCK_LOG" >&2; return 1; }
    H_URI=$H_STOCK_URI
    export LIBVIRT_DEFAULT_URI=$H_URI
    # the first connection waits for the QEMU driver's start-up: by then
    # every status file is loaded or refused (the reconnects to the QEMU
    # processes go on in threads of their own).  The first start in an
    # instance also probes QEMU's capabilities (about 8 s here).
    virsh version > /dev/null
}

# h_stock_stop: stop the stock daemon, leaving guests running; virsh talks
# to our daemon again
h_stock_stop() {
    local pid
    H_URI=$H_OUR_URI
    export LIBVIRT_DEFAULT_URI=$H_URI
    pid=$(h_stock_pid) || return 0
    kill -TERM "$pid" 2>/dev/null || true
    _h_wait_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
    rm -f "$H_STOCK_PIDFILE"
}
