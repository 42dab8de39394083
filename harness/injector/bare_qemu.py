#!/usr/bin/env python3
"""Unit test of the exit injector against a bare QEMU (no libvirt), over QMP.

Each case starts qemu-system-x86_64 with KVM, the injector preloaded and the
harness's halting boot sector, injects one exit and checks QEMU's run state,
its stderr and the injector's log.  Exit status 0: all passed, 77: skipped
(the shell wrapper checks /dev/kvm), 1: a case failed.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bareqemu import BareQemu  # noqa: E402  (harness/bareqemu.py)

LIB = sys.argv[1]
IMG = sys.argv[2]
QEMU = "/usr/bin/qemu-system-x86_64"


def case(name, accel, inject, want_status, want_log, want_stderr=None, settle=0.0):
    with tempfile.TemporaryDirectory() as d:
        q = BareQemu(QEMU, LIB, IMG, d, accel)
        try:
            # let the guest reach its halt (SeaBIOS takes a few seconds in
            # a nested setup): wait for the vCPU to enter KVM_RUN
            q.wait_status("running")
            time.sleep(0.3)
            q.inject(inject)
            if settle:
                time.sleep(settle)
            st = q.wait_status(want_status)
            log = q.logtext()
            problems = []
            if st != want_status:
                problems.append(f"expected run state {want_status}, got {st}")
            for w in want_log:
                if w not in log:
                    problems.append(f"injector log lacks '{w}'")
            err = open(q.stderr).read()
            if want_stderr and want_stderr not in err:
                problems.append(f"QEMU stderr lacks '{want_stderr}'")
            if problems:
                print(f"FAIL: {name}: " + "; ".join(problems))
                print("  injector log:\n    " + log.replace("\n", "\n    "))
                print("  qemu stderr:\n    " + err[:2000].replace("\n", "\n    "))
                return False
            print(f"PASS: {name}: run state {st}")
            return True
        finally:
            q.close()


def main():
    results = [
        case("notify invalid context, mode run", "kvm,notify-vmexit=run,notify-window=131072",
             "notify-invalid", "internal-error",
             ["enable-cap notify-vmexit window=131072 flags=0x3", "inject notify-invalid vcpu=0"],
             "KVM internal error: Encounter a notify exit with invalid context"),
        case("notify valid context, mode run", "kvm,notify-vmexit=run",
             "notify-valid", "running", ["inject notify-valid vcpu=0"],
             "Encounter a notify exit with valid context", settle=0.5),
        case("notify valid context, mode internal-error",
             "kvm,notify-vmexit=internal-error,notify-window=0",
             "notify-valid", "internal-error",
             ["enable-cap notify-vmexit window=0 flags=0x3", "inject notify-valid vcpu=0"],
             "KVM internal error: Encounter a notify exit with valid context"),
        case("notify with notify-vmexit=disable is refused", "kvm,notify-vmexit=disable",
             "notify-invalid", "running",
             ["refused notify-invalid vcpu=0: QEMU did not enable KVM_CAP_X86_NOTIFY_VMEXIT"],
             settle=0.5),
        case("crash system event", "kvm", "crash", "guest-panicked",
             ["inject crash vcpu=0"]),
        case("internal error", "kvm", "internal-error", "internal-error",
             ["inject internal-error vcpu=0"], "KVM internal error. Suberror: 1"),
    ]
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
