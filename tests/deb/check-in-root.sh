#!/bin/bash
# Runs inside the clean Debian 12 root of 'make check-deb' (its own mount
# and PID namespaces, pipeline/deb-root.sh run), as root, with Debian's
# own libvirt and QEMU installed and our packages in the local apt
# repository /srv/notify-debs.  The daemons are the packaged ones with
# their packaged configuration, started by hand the way their systemd
# units start them (no init system runs here).  The exit injector is compiled here from our
# source; the guests are the harness's boot sectors.
#
# Phases: a guest runs on Debian's packages; upgrade to ours with it
# running; the demo (make demo SYSTEM=1: demo/demo.sh on the system's
# libvirt); the notify-exit scenarios (configure, fatal exit, reasons and
# events, on_crash, daemon restart); downgrade to Debian's with a guest
# running and a guest crashed (notify VM exit).
set -uo pipefail
CHECK=/opt/notify-check
# the project's layout, harness and demo, in the repository's shape
# (copied by pipeline/check-deb.sh)
REPO=$CHECK/repo
export HARNESS=$REPO/harness
export GUESTS=/var/lib/libvirt/notify-check
export INJECTOR=$CHECK/libnotify-injector.so
DEMO_BUILD=/var/lib/libvirt/notify-demo
export QEMU_PATCHED=/usr/bin/qemu-system-x86_64 QEMU_STOCK=/usr/bin/qemu-system-x86_64
export H_QEMU_KIND=stock
# the packaged libvirt at qemu:///system (virsh, H_LOGDIR), the guests and
# the injector's protocol
. "$HARNESS/system.sh"
. "$HARNESS/guest.sh"
. "$HARNESS/inject.sh"

passed=0
failed=0
say() { echo "check-deb: $*"; }
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
    say "in the root: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
versions() { dpkg-query -W -f '${Package}=${Version}\n' 'libvirt*' libnss-libvirt 2>/dev/null | grep -v '=$' | sort; }
state() { virsh domstate --reason "$1" 2>&1; }
wait_state() { h_wait_state "$1" "$2" 10 2> /dev/null; }
expect_state() {
    if wait_state "$1" "$2"; then ok "$1: $2 ($3)"; else fail "$1: '$(state "$1")', expected '$2' ($3)"; fi
}
# The packaged daemons, started by hand the way their systemd units do
# (no init system runs here): the unit's ExecStart with the arguments of
# /etc/default/<daemon>, daemonized.  libvirtd's unit adds '--timeout 120'
# because systemd's sockets start it again; without them it stays up.  A
# restart re-executes virtlogd in place (SIGUSR1, the unit's reload, which
# keeps the running guests' log pipes) and stops and starts libvirtd.
pidof_daemon() { cat "/run/$1.pid" 2>/dev/null; }
start_daemon() {
    local VIRTLOGD_ARGS="" LIBVIRTD_ARGS=""
    [ -f "/etc/default/$1" ] && . "/etc/default/$1"
    case $1 in
        virtlogd) /usr/sbin/virtlogd -d $VIRTLOGD_ARGS ;;
        libvirtd) /usr/sbin/libvirtd -d $LIBVIRTD_ARGS ;;
    esac
}
stop_daemon() {
    local pid i
    pid=$(pidof_daemon "$1") || return 0
    kill "$pid" 2>/dev/null
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    say "error: $1 ($pid) does not stop"
    return 1
}
daemons() {
    local i
    case $1 in
        start) start_daemon virtlogd && start_daemon libvirtd || return 1 ;;
        restart)
            kill -USR1 "$(pidof_daemon virtlogd)" || return 1
            stop_daemon libvirtd && start_daemon libvirtd || return 1 ;;
        stop) stop_daemon libvirtd; stop_daemon virtlogd; return 0 ;;
    esac
    for i in $(seq 1 100); do
        virsh -q version > /dev/null 2>&1 && return 0
        sleep 0.1
    done
    say "error: libvirtd does not answer after '$1'"
    return 1
}

say "[1/6] the injector, compiled here; Debian's daemons started"
gcc -O2 -shared -fPIC -o "$INJECTOR" "$CHECK/notify-injector.c" -ldl -lpthread || { fail "compiling the injector"; finish; }
mkdir -p "$GUESTS"
chown libvirt-qemu:kvm "$GUESTS"
daemons start || { fail "starting Debian's daemons"; finish; }
say "installed: $(versions | grep -E '^libvirt-daemon=|^libvirt0=' | tr '\n' ' ')"

# guests: 'keep' runs across both package changes; 'crashed' is named
# crashed (notify VM exit) on our packages and then downgraded
guest() { # NAME ON_CRASH NOTIFY_XML
    h_guest_xml "$1" "$3" "$2" "" "$(h_injector_env "$1")" > "$GUESTS/$1.xml"
    chown libvirt-qemu:kvm "$GUESTS"/* 2>/dev/null
    virsh -q define "$GUESTS/$1.xml" > /dev/null
}
guest keep preserve ""
virsh -q start keep > /dev/null
expect_state keep "running (booted)" "on Debian's packages"

say "[2/6] upgrade to our packages (apt, from the local repository) with 'keep' running"
before=$(versions)
apt-get -q update > /var/log/notify-upgrade.log 2>&1
if DEBIAN_FRONTEND=noninteractive apt-get -q -y dist-upgrade >> /var/log/notify-upgrade.log 2>&1; then
    ok "apt-get dist-upgrade"
else
    fail "apt-get dist-upgrade (log: /var/log/notify-upgrade.log)"
    tail -20 /var/log/notify-upgrade.log
    finish
fi
after=$(versions)
n=$(echo "$after" | grep -c '+notify')
[ "$n" -eq "$(echo "$before" | wc -l)" ] && ok "all $n installed libvirt packages upgraded to ours" ||
    fail "upgraded $n of $(echo "$before" | wc -l): $after"
say "installed: $(echo "$after" | grep -E '^libvirt-daemon=|^libvirt0=' | tr '\n' ' ')"
daemons restart || fail "restarting the daemons after the upgrade"
expect_state keep "running (booted)" "after the upgrade and a daemon restart"

say "[3/6] the demo on our packages: demo/demo.sh system, as 'make demo SYSTEM=1' runs it"
# the demo's build directory is below /var/lib/libvirt, where the
# packages' QEMU user reaches it
demo_injector=$(BUILD=$DEMO_BUILD "$REPO/pipeline/layout.sh" --print | sed -n 's/^INJECTOR=//p')
mkdir -p "$(dirname "$demo_injector")"
cp "$INJECTOR" "$demo_injector"
BUILD=$DEMO_BUILD "$REPO/demo/demo.sh" system > /var/log/notify-demo.log 2>&1
rc=$?
sed 's/^/  | /' /var/log/notify-demo.log
if [ "$rc" -eq 0 ] && grep -q "^  state: shut off (notify VM exit)" /var/log/notify-demo.log &&
   grep -q "^  evidence libvirt used: QEMU's warning in this log" /var/log/notify-demo.log; then
    ok "demo: shut off (notify VM exit), named from QEMU's warning in the log, on_crash destroy"
else
    fail "demo (exit status $rc): see its output above"
fi
virsh -q list --all --name | grep -x demo-guest > /dev/null && fail "demo: demo-guest left defined" ||
    ok "demo: its guest undefined at the end"

say "[4/6] the notify-exit scenarios on our packages (Debian's QEMU: the evidence is QEMU's warning in the log)"
NOTIFY="<notify-vmexit state='on' mode='run' window='131072'/>"
# 'crashed' has no <notify-vmexit>: QEMU 7.2 runs notify exits in its
# default mode anyway, and Debian's libvirtd must load it after the
# downgrade; 'destroyed' uses the series' XML
guest crashed preserve ""
guest destroyed destroy "$NOTIFY"
# configure: the element round-trips; a bad value is refused, naming it,
# and the stored definition stays
if virsh -q dumpxml destroyed | grep "<notify-vmexit state='on' mode='run' window='131072'/>" > /dev/null; then
    ok "configure: <notify-vmexit> stored as given"
else
    fail "configure: dumpxml lost <notify-vmexit>"
fi
sed "s/window='131072'/window='-1'/" "$GUESTS/destroyed.xml" > "$GUESTS/bad.xml"
err=$(virsh -q define "$GUESTS/bad.xml" 2>&1)
if [ $? -ne 0 ] && echo "$err" | grep -q "window" && echo "$err" | grep -q -- "-1" &&
   virsh -q dumpxml destroyed | grep "window='131072'" > /dev/null; then
    ok "configure: window='-1' refused ($(echo "$err" | tail -1 | cut -c1-110)), definition intact"
else
    fail "configure: window='-1': $err"
fi
# events, from the packaged virsh
virsh -q event --all --loop --timestamp > /var/log/notify-events.log 2>&1 &
events=$!
sleep 0.5
for g in crashed destroyed; do
    h_injector_reset "$g"
    virsh -q start "$g" > /dev/null
    wait_state "$g" "running (booted)" || fail "$g does not run"
done
sleep 0.5
h_inject crashed notify-invalid > /dev/null
expect_state crashed "crashed (notify VM exit)" "fatal exit, on_crash preserve"
h_inject destroyed notify-invalid > /dev/null
expect_state destroyed "shut off (notify VM exit)" "fatal exit, on_crash destroy"
sleep 0.5
kill "$events" 2>/dev/null
for g in crashed destroyed; do
    if grep -q "'$g': Crashed Notify VM exit" /var/log/notify-events.log; then
        ok "event: $(grep "'$g': Crashed" /var/log/notify-events.log | head -1 | cut -c1-120)"
    else
        fail "no 'Crashed Notify VM exit' event for $g: $(cat /var/log/notify-events.log)"
    fi
done
grep -q "'destroyed': Stopped Notify VM exit" /var/log/notify-events.log &&
    ok "event: 'destroyed': Stopped Notify VM exit (on_crash destroy)" ||
    fail "no 'Stopped Notify VM exit' event for destroyed: $(cat /var/log/notify-events.log)"
if grep -q "evidence: QEMU's warning in this log" "$H_LOGDIR/crashed.log"; then
    ok "the guest's log names the evidence: $(grep -o 'guest stopped by [^;]*' "$H_LOGDIR/crashed.log" | head -1)"
else
    fail "the guest's log does not say which evidence named the stop"
fi
# hostile: a guest that prints QEMU's warning line on a stdio serial port
# (into QEMU's log), then stops on an ordinary internal error: never named
FORGED="2026-11-24T10:00:00.000000Z qemu-system-x86_64: warning: KVM internal error: Encounter a notify exit with invalid context in guest. There can be possible misbehaves in guest. Please have a look."
h_injector_reset hostile
H_GUEST_SERIAL_TEXT=$FORGED h_guest_xml hostile "" destroy "<serial type='stdio'><target port='0'/></serial>" \
    "$(h_injector_env hostile)" > "$GUESTS/hostile.xml"
chown libvirt-qemu:kvm "$GUESTS"/*
virsh -q define "$GUESTS/hostile.xml" > /dev/null
virsh -q start hostile > /dev/null
for i in $(seq 1 100); do grep -q -F "Encounter a notify exit" "$H_LOGDIR/hostile.log" && break; sleep 0.1; done
if grep -q -F "${FORGED#* }" "$H_LOGDIR/hostile.log"; then
    h_inject hostile internal-error > /dev/null
    sleep 1
    s=$(state hostile)
    [ "$s" = "paused (unknown)" ] && ok "hostile: the guest's forged warning in the log, then an internal error: '$s', not named" ||
        fail "hostile: '$s' after an ordinary internal error with QEMU's warning forged by the guest"
else
    fail "hostile: the forged line did not reach the log"
fi
virsh -q destroy hostile > /dev/null 2>&1
virsh -q undefine hostile > /dev/null 2>&1

daemons restart || fail "restarting the daemons"
expect_state crashed "crashed (notify VM exit)" "after a daemon restart"
# libvirt keeps no state of an inactive domain across a restart: every
# shut off domain is 'shut off (unknown)' then, whatever stopped it
expect_state destroyed "shut off (unknown)" "after a daemon restart, as for any inactive domain"
expect_state keep "running (booted)" "after a daemon restart"

say "[5/6] downgrade to Debian's packages with 'keep' running and 'crashed' crashed (notify VM exit)"
# Debian's libvirtd cannot load a definition with the series' XML: the
# admin removes it first (docs/packages.md)
virsh -q dumpxml --inactive destroyed | sed "/<notify-vmexit /d" > "$GUESTS/destroyed-plain.xml"
virsh -q define "$GUESTS/destroyed-plain.xml" > /dev/null && ok "destroyed: <notify-vmexit> removed before the downgrade" ||
    fail "destroyed: cannot remove <notify-vmexit>"
pkgs=$(versions | sed 's/=.*//' | while read -r p; do
    v=$(echo "$before" | sed -n "s/^$p=//p"); [ -n "$v" ] && echo "$p=$v"; done)
if DEBIAN_FRONTEND=noninteractive apt-get -q -y --allow-downgrades install $pkgs >> /var/log/notify-upgrade.log 2>&1; then
    ok "apt-get install --allow-downgrades to Debian's $(echo "$before" | sed -n 's/^libvirt-daemon=//p')"
else
    fail "downgrade (log: /var/log/notify-upgrade.log)"
    tail -20 /var/log/notify-upgrade.log
fi
[ "$(versions)" = "$before" ] && ok "every libvirt package back at Debian's version" ||
    fail "after the downgrade: $(versions | tr '\n' ' ')"
daemons restart || fail "restarting Debian's daemons"
expect_state keep "running (booted)" "Debian's libvirtd after the downgrade"
s=$(state crashed)
case "$s" in
    crashed*) ok "crashed: '$s' on Debian's libvirtd (managed, still crashed)" ;;
    *) fail "crashed: '$s' on Debian's libvirtd" ;;
esac
virsh -q domblkstat crashed hda > /dev/null 2>&1 && ok "crashed: Debian's libvirtd talks to its QEMU" ||
    fail "crashed: Debian's libvirtd does not manage its QEMU"
virsh -q list --all --name | grep -x destroyed > /dev/null && ok "destroyed: still defined" || fail "destroyed: definition lost"
virsh -q destroy crashed > /dev/null 2>&1 && ok "crashed: destroyed by Debian's libvirtd" || fail "crashed: cannot destroy"

say "[6/6] stopping"
virsh -q destroy keep > /dev/null 2>&1
daemons stop
finish
