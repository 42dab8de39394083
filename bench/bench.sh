#!/bin/bash
# make bench: attribution latency against libvirt's panic path (the event
# path on the patched QEMU, the log path on Debian's), scale, a burst of
# non-fatal exits, and normal-path cost, on the private daemons and real
# QEMU/KVM of the harness.  Prints a table; writes $RESULTS/bench.json.
# ONLY=SECTION,... runs some sections (bench.py --help names them).
. "$(cd "$(dirname "$0")/.." && pwd)/harness/lib.sh"
. "$HARNESS/daemons.sh"
. "$HARNESS/guest.sh"
. "$HARNESS/inject.sh"
XMLDIR=$GUESTS/bench-xml
layout_report bench "XMLDIR=$XMLDIR" "URI=$H_URI"

h_require_kvm bench
for t in "$BENCH_TOOLS/lifecycle-events" "$BENCH_TOOLS/lifecycle-cost" "$PARSE_BENCH"; do
    [ -x "$t" ] || { echo "bench: error: $t is missing: run 'make'" >&2; exit 1; }
done

echo "bench: [1/2] starting private daemons and writing guest definitions"
h_start_daemons logd
rm -rf "$XMLDIR"
mkdir -p "$XMLDIR"
NOTIFY="<notify-vmexit state='on' mode='run' window='131072'/>"
# the event path and the panic reference on the patched QEMU, the log
# path (the fallback) on Debian's
h_use_qemu patched
for g in lat-notify lat-panic burst-src burst-probe $(seq -f 'scale-notify-%02g' 1 32) \
         $(seq -f 'scale-panic-%02g' 1 32); do
    h_guest_xml "$g" "$NOTIFY" preserve "" "$(h_injector_env "$g")" > "$XMLDIR/$g.xml"
done
h_use_qemu stock
for g in lat-fallback burst-stock $(seq -f 'scale-fallback-%02g' 1 32); do
    h_guest_xml "$g" "$NOTIFY" preserve "" "$(h_injector_env "$g")" > "$XMLDIR/$g.xml"
done
h_use_qemu patched
h_guest_xml cost "$NOTIFY" destroy > "$XMLDIR/cost-notify.xml"
h_guest_xml cost "" destroy > "$XMLDIR/cost-plain.xml"

echo "bench: [2/2] measuring (about 15 minutes)"
# the sanitized libvirt's clients need its ASan runtime, loaded late
ASAN_OPTIONS=${ASAN_OPTIONS:-verify_asan_link_order=0} \
python3 "$ROOT/bench/bench.py" \
    --uri "$H_URI" --virsh "$PREFIX/bin/virsh" --tools "$BENCH_TOOLS" \
    --xmldir "$XMLDIR" --parsexml "$ROOT/bench/data" --guestdir "$GUESTS" \
    --pidfile "$PREFIX/var/run/virtqemud.pid" \
    --parsebench "$PARSE_BENCH" \
    --only "${ONLY:-}" \
    --out "$RESULTS/bench.json"
