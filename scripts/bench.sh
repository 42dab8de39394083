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
# parse + validate + format: a typical guest, with notify-vmexit and a
# SynIC queue depth, and the same guest without them
parse_xml() {
    cat <<XML
<domain type='kvm'>
  <name>parse-bench</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <hyperv mode='custom'>
      <relaxed state='on'/>
      <vpindex state='on'/>
      <synic state='on'$1/>
      <stimer state='on'/>
    </hyperv>
    <kvm>
      <hidden state='on'/>
      $2
    </kvm>
  </features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/guest.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='user'>
      <model type='virtio'/>
    </interface>
    <serial type='pty'/>
    <memballoon model='virtio'/>
  </devices>
</domain>
XML
}
parse_xml " queue-depth='32'" "$NOTIFY" > "$XMLDIR/parse-new.xml"
parse_xml "" "" > "$XMLDIR/parse-plain.xml"

echo "bench: [2/2] measuring (about 3 minutes)"
python3 "$ROOT/scripts/bench.py" \
    --uri "$H_URI" --virsh "$H_PREFIX/bin/virsh" --tools "$TOOLS" \
    --xmldir "$XMLDIR" --guestdir "$H_GUESTDIR" \
    --pidfile "$H_PREFIX/var/run/virtqemud.pid" \
    --parsebench "$BUILD/libvirt-build/tests/qemudomainxmlbench" \
    --out "$BUILD/results/bench.json"
