#!/bin/bash
# make bench: attribution latency against libvirt's panic path, scale, and
# normal-path cost, on the private daemons and real QEMU/KVM of the
# end-to-end harness.  Prints a table; writes build/results/bench.json.
#
# Usage: bench.sh BUILDDIR
set -euo pipefail
BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export BUILD ROOT
TMP=$(mktemp -d)
. "$ROOT/tests/harness/daemons.sh"

if ! python3 -c 'import os; os.close(os.open("/dev/kvm", os.O_RDWR))' 2>/dev/null; then
    echo "bench: error: /dev/kvm is missing or not usable: the benchmarks need KVM" >&2
    exit 1
fi
TOOLS=$BUILD/tools/tools/bench
for t in "$TOOLS/lifecycle-events" "$TOOLS/lifecycle-cost" \
         "$BUILD/libvirt-build/tests/qemudomainxmlbench"; do
    [ -x "$t" ] || { echo "bench: error: $t is missing: run 'make'" >&2; exit 1; }
done

echo "bench: [1/2] starting private daemons and writing guest definitions"
h_start_daemons logd
trap 'h_stop_daemons; rm -rf "$TMP"' EXIT
XMLDIR=$TMP/xml
mkdir -p "$XMLDIR"
NOTIFY="<notify-vmexit state='on' mode='run' window='131072'/>"
for g in lat-notify lat-panic; do
    h_guest_xml "$g" "$NOTIFY" preserve "" "$(h_injector_env "$g")" > "$XMLDIR/$g.xml"
done
for i in $(seq -w 1 32); do
    h_guest_xml "scale-$i" "$NOTIFY" preserve "" "$(h_injector_env "scale-$i")" > "$XMLDIR/scale-$i.xml"
done
h_guest_xml cost "$NOTIFY" destroy > "$XMLDIR/cost-notify.xml"
h_guest_xml cost "" destroy > "$XMLDIR/cost-plain.xml"
# parse + validate + format: a typical guest with notify-vmexit and a SynIC
# queue depth, and the same guest without them
cp "$ROOT/tools/bench/parse-new.xml" "$ROOT/tools/bench/parse-plain.xml" "$XMLDIR/"

echo "bench: [2/2] measuring (about 3 minutes)"
python3 "$ROOT/scripts/bench.py" \
    --uri "$H_URI" --virsh "$H_PREFIX/bin/virsh" --tools "$TOOLS" \
    --xmldir "$XMLDIR" --guestdir "$H_GUESTDIR" \
    --pidfile "$H_PREFIX/var/run/virtqemud.pid" \
    --parsebench "$BUILD/libvirt-build/tests/qemudomainxmlbench" \
    --out "$BUILD/results/bench.json"
