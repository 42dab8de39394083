#!/bin/bash
# make demo: a guest with <notify-vmexit> on a private virtqemud and real
# QEMU/KVM takes a fatal notify VM exit (simulated at the KVM ioctl
# boundary by the injector); watch what libvirt reports.
#
# Usage: demo.sh [keep] [qemu=patched|stock] [system]
#   keep: leave the daemons (and the guest) running for virsh; stop them
#         later with 'make demo-stop'.
#   qemu=stock (make demo QEMU=stock): run the guest on Debian's QEMU 7.2,
#         which has no NOTIFY_VMEXIT event: libvirt falls back to QEMU's
#         warning in the log.  The default is the patched QEMU.
#   system (make demo SYSTEM=1): no private daemons; the guest runs on the
#         system's libvirt (qemu:///system, as root), i.e. the installed
#         packages of 'make deb', and the system's QEMU.  The guest is
#         undefined at the end (with keep: by 'make demo-stop SYSTEM=1').
KEEP=""
QEMU_KIND=""
SYSTEM=""
for arg in "$@"; do
    case "$arg" in
        keep) KEEP=keep ;;
        qemu=patched|qemu=stock) QEMU_KIND=${arg#qemu=} ;;
        system) SYSTEM=system ;;
        *) echo "demo: error: unknown argument '$arg' (make demo [KEEP=1] [QEMU=patched|stock] [SYSTEM=1])" >&2; exit 1 ;;
    esac
done
if [ -n "$SYSTEM" ] && [ -n "$QEMU_KIND" ]; then
    echo "demo: error: SYSTEM=1 runs the system's QEMU (the one its packages install); leave QEMU= out" >&2
    exit 1
fi
. "$(cd "$(dirname "$0")/.." && pwd)/harness/lib.sh"
if [ -n "$SYSTEM" ]; then
    . "$HARNESS/system.sh"
else
    . "$HARNESS/daemons.sh"
fi
. "$HARNESS/guest.sh"
. "$HARNESS/inject.sh"
. "$HARNESS/events.sh"
EV=$RESULTS/demo-events.txt
layout_report demo "EVENTS=$EV"

step() { echo; echo "demo: [$1/7] $2"; }
NAME=demo-guest

h_require_kvm demo ${SYSTEM:-private}
if [ -n "$SYSTEM" ]; then
    # the system's QEMU is the path libvirt's packages run
    h_use_qemu stock
    QEMU_KIND=system
    step 1 "using the system's libvirt at $H_URI"
    h_system_ready demo
    if virsh domstate "$NAME" > /dev/null 2>&1; then
        echo "demo: error: a domain '$NAME' is defined on the system's libvirt: if it is the demo's, remove it with 'make demo-stop SYSTEM=1'" >&2
        exit 1
    fi
    echo "  installed: $(h_system_versions)"
    echo "  libvirt: $(virsh version | grep -i 'running hypervisor\|using library' | tr -s ' ' | paste -sd ';' -)"
    # the demo's guest is the only thing of ours there: it goes at the end
    # (with KEEP, with 'make demo-stop SYSTEM=1'); its old log too
    rm -f "$H_LOGDIR/$NAME.log"
    [ -n "$KEEP" ] || h_on_exit "virsh destroy $NAME > /dev/null 2>&1; virsh undefine $NAME > /dev/null 2>&1; echo; echo 'demo: $NAME undefined (make demo SYSTEM=1 KEEP=1 keeps it)'"
else
    h_use_qemu "${QEMU_KIND:-patched}"
    QEMU_KIND=$H_QEMU_KIND
    step 1 "starting private virtlogd and virtqemud from $PREFIX"
    [ -n "$KEEP" ] || h_on_exit 'echo; echo "demo: daemons stopped (make demo KEEP=1 keeps them running)"'
    h_start_daemons logd
    echo "  virtqemud socket: $H_SOCK"
fi
# with KEEP the daemons and the guest outlive the demo: only the event
# client and the tail of its output stop with it
[ -z "$KEEP" ] || H_ON_EXIT=()

echo "demo: the guest runs on the $QEMU_KIND QEMU, $H_QEMU"

step 2 "defining $NAME with <notify-vmexit state='on' mode='run' window='131072'/> and <on_crash>destroy</on_crash>"
h_injector_reset "$NAME"
h_guest_xml "$NAME" "<notify-vmexit state='on' mode='run' window='131072'/>" destroy "" \
    "$(h_injector_env "$NAME")" > "$GUESTS/$NAME.xml"
[ -z "$SYSTEM" ] || chown --reference="$GUESTS" "$GUESTS"/*
if ! virsh define "$GUESTS/$NAME.xml"; then
    [ -z "$SYSTEM" ] || echo "demo: error: the system's libvirt refused the definition: is it this project's (make deb, then install the packages: docs/packages.md)?" >&2
    exit 1
fi
virsh dumpxml "$NAME" | grep -A2 "<kvm>" | sed 's/^/  /'

step 3 "its QEMU command line"
# one option a line, from the binary on (the environment, LD_PRELOAD of the
# injector included, is left out)
virsh domxml-to-native qemu-argv --domain "$NAME" | sed "s|^.* \($H_QEMU\)|\1|" |
    sed 's/ -\([a-z]\)/\n-\1/g' | sed 's/^/  /'
echo

step 4 "starting it (SeaBIOS, then a boot sector that halts)"
mkdir -p "$RESULTS"
h_events_start "$EV"
tail -n +1 -f "$EV" 2>/dev/null | sed -u 's/^/  event: /' &
TAIL=$!
h_on_exit 'kill "$TAIL"'
virsh start "$NAME"
h_wait_state "$NAME" "running (booted)" 10
echo "  state: $(virsh domstate --reason "$NAME")"
echo "  QEMU asked KVM for: $(h_injector_enabled "$NAME" | grep -o 'enable-cap.*')"

step 5 "injecting a fatal notify VM exit (invalid VM context) into vCPU 0"
sleep 1
echo "  injector: $(h_inject "$NAME" notify-invalid | cut -d' ' -f3-)"

step 6 "what libvirt reports (virsh domstate --reason, as it changes)"
last="running (booted)"
for i in $(seq 1 50); do
    st=$(virsh domstate --reason "$NAME" 2>/dev/null || echo "undefined")
    if [ "$st" != "$last" ]; then
        echo "  state: $st"
        last=$st
    fi
    case "$st" in *"notify VM exit"*) break ;; esac
    sleep 0.1
done
sleep 0.5
echo "  QEMU said: $(grep -m1 -o 'KVM internal error:.*' "$H_LOGDIR/$NAME.log" | cut -c1-110)"
echo "  libvirt said: $(grep -m1 -o 'guest stopped by a fatal KVM notify VM exit.*' "$H_LOGDIR/$NAME.log" || echo '(nothing)')"
evidence=$(grep -m1 -o '(evidence: [^)]*)' "$H_LOGDIR/$NAME.log" | sed 's/^(evidence: //; s/)$//' || true)
echo "  evidence libvirt used: ${evidence:-none}"
kill "$TAIL" 2>/dev/null || true

step 7 "in one line"
case "$st" in
    *"notify VM exit"*)
        echo "  A fatal KVM notify VM exit killed the guest; libvirt named it from $evidence (crashed, then shut off: notify VM exit) and applied <on_crash>destroy</on_crash>." ;;
    "paused (unknown)")
        echo "  Stock libvirt 9.0.0 behaviour: QEMU stopped the guest after a fatal notify VM exit, libvirt only says 'paused (unknown)' and ignores <on_crash> (attribution is not in the series yet)." ;;
    *)
        echo "  The guest ended in state '$st'." ;;
esac

if [ -n "$KEEP" ] && [ -n "$SYSTEM" ]; then
    echo
    echo "demo: $NAME stays defined on the system's libvirt: 'virsh domstate --reason $NAME';"
    echo "remove it with 'make demo-stop SYSTEM=1'."
elif [ -n "$KEEP" ]; then
    echo
    echo "demo: the daemons keep running. Use them with:"
    echo "  export LIBVIRT_DEFAULT_URI='$H_URI'"
    echo "  $PREFIX/bin/virsh list --all"
    echo "  $PREFIX/bin/virsh domstate --reason $NAME"
    echo "and stop them with 'make demo-stop'."
fi
