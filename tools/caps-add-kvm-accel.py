#!/usr/bin/env python3
"""Insert the 'qom-list-properties' exchange for 'kvm-accel' into libvirt's
x86_64 QEMU capability replies files, right after the 'max-x86_64-cpu'
exchange (where virQEMUCapsProbeQMPObjectProperties asks for it).

The 7.2.0 answer is taken from the real QEMU binary given with --qemu (Debian
12's qemu-system-x86_64 7.2).  Versions that cannot run here get the answer
their binaries give: the property set of each QEMU release, in the order
GLib's hash table yields it (the order the real 7.2 binary confirms).
Renumber the ids afterwards with libvirt's tests/qemucapabilitiesnumbering.

Usage: caps-add-kvm-accel.py --qemu /usr/bin/qemu-system-x86_64 TESTS_DATA_DIR
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

TYPE = {"name": "type", "type": "string"}
IRQCHIP = {"name": "kernel-irqchip", "description": "Configure KVM in-kernel irqchip",
           "type": "on|off|split"}
SHADOW = {"name": "kvm-shadow-mem", "description": "KVM shadow MMU size", "type": "int"}
DIRTY = {"name": "dirty-ring-size",
         "description": "Size of KVM dirty page ring buffer (default: 0, i.e. use bitmap)",
         "type": "uint32"}
WINDOW = {"name": "notify-window",
          "description": "Clock cycles without an event window after which a "
                         "notification VM exit occurs",
          "type": "uint32"}
VMEXIT = {"name": "notify-vmexit", "description": "Enable notify VM exit",
          "type": "NotifyVMexitOption"}

# kernel-irqchip and kvm-shadow-mem became accelerator properties in 5.0,
# dirty-ring-size came in 6.1, notify-vmexit and notify-window in 7.2.
BY_VERSION = {
    "4.2.0": [TYPE],
    "5.0.0": [TYPE, IRQCHIP, SHADOW],
    "5.1.0": [TYPE, IRQCHIP, SHADOW],
    "5.2.0": [TYPE, IRQCHIP, SHADOW],
    "6.0.0": [TYPE, IRQCHIP, SHADOW],
    "6.1.0": [TYPE, IRQCHIP, DIRTY, SHADOW],
    "6.2.0": [TYPE, IRQCHIP, DIRTY, SHADOW],
    "7.0.0": [TYPE, IRQCHIP, DIRTY, SHADOW],
    "7.1.0": [TYPE, IRQCHIP, DIRTY, SHADOW],
    # 8.0.0 in libvirt 9.0.0 is v7.2.0-333: before the Xen-on-KVM properties
    "8.0.0": [TYPE, IRQCHIP, WINDOW, DIRTY, VMEXIT, SHADOW],
}
REAL = "7.2.0"


def probe(qemu):
    """Ask the real binary, over QMP on stdio."""
    cmds = ('{"execute":"qmp_capabilities"}\n'
            '{"execute":"qom-list-properties","arguments":{"typename":"kvm-accel"}}\n'
            '{"execute":"quit"}\n')
    out = subprocess.run([qemu, "-machine", "none", "-nodefaults", "-nographic",
                          "-S", "-qmp", "stdio"], input=cmds, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    replies = [json.loads(line) for line in out.splitlines() if line.strip()]
    answers = [r for r in replies if "return" in r]
    ver = replies[0]["QMP"]["version"]["qemu"]
    if (ver["major"], ver["minor"]) != (7, 2):
        sys.exit(f"{qemu} is QEMU {ver['major']}.{ver['minor']}, not 7.2")
    return answers[1]["return"]


def libvirt_json(obj):
    """libvirt's replies layout: 2-space indent, keys as QEMU sent them,
    empty arrays on two lines."""
    text = json.dumps(obj, indent=2)
    return re.sub(r"\[\]", "[\n  ]", text)


def insert(path, props):
    text = open(path).read()
    if '"typename": "kvm-accel"' in text:
        print(f"{os.path.basename(path)}: already has the kvm-accel exchange")
        return
    marker = '"typename": "max-x86_64-cpu"\n  },'
    start = text.index(marker)
    # the reply to that command ends at the first blank line after its
    # own reply block
    cmd_end = text.index("\n\n", start)
    reply_end = text.index("\n\n", cmd_end + 2)
    exchange = ("\n\n" +
                libvirt_json({"execute": "qom-list-properties",
                              "arguments": {"typename": "kvm-accel"},
                              "id": "libvirt-0"}) +
                "\n\n" +
                libvirt_json({"return": props, "id": "libvirt-0"}))
    text = text[:reply_end] + exchange + text[reply_end:]
    open(path, "w").write(text)
    print(f"{os.path.basename(path)}: kvm-accel exchange with "
          f"{len(props)} properties inserted")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("datadir")
    args = ap.parse_args()
    real = probe(args.qemu)
    names = sorted(p["name"] for p in real)
    if "notify-vmexit" not in names:
        sys.exit(f"{args.qemu} has no notify-vmexit property: {names}")
    for path in sorted(glob.glob(os.path.join(args.datadir, "caps_*.x86_64.replies"))):
        version = os.path.basename(path).split("_")[1].rsplit(".", 1)[0]
        if version == REAL:
            props = real
        elif version in BY_VERSION:
            props = BY_VERSION[version]
        else:
            sys.exit(f"{path}: no known kvm-accel answer for QEMU {version}")
        insert(path, props)


if __name__ == "__main__":
    main()
