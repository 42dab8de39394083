#!/usr/bin/env python3
"""The patched QEMU's NOTIFY_VMEXIT event, over QMP, without libvirt.

Usage: notify_event.py PATCHED_QEMU STOCK_QEMU INJECTOR_LIB IMAGE

Each case starts its own QEMU with KVM and the exit injector, injects
notify exits and checks the events QEMU sends: their data, their order
against STOP, and the rate limit.  The stock QEMU is the control: the same
fatal exit gives it a STOP and no event.
"""
import contextlib
import math
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "harness"))
from bareqemu import BareQemu  # noqa: E402
import injector  # noqa: E402

PATCHED, STOCK, LIB, IMG = sys.argv[1:5]
BURST = 100000


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)


def notify_events(q):
    return [e for e in q.events if e["event"] == "NOTIFY_VMEXIT"]


@contextlib.contextmanager
def started(d, accel, binary=PATCHED):
    """A running QEMU in D, killed at the end of the block"""
    q = BareQemu(binary, LIB, IMG, d, accel)
    try:
        # SeaBIOS runs before the boot sector halts: let the vCPU enter KVM_RUN
        q.wait_status("running")
        time.sleep(0.3)
        yield q
    finally:
        q.close()


def inject_wait(q, kind, count=1):
    before = len(injector.events(q.log))
    q.inject(kind, 0, count)
    e = injector.wait_answer(q.log, before, 10 if count == 1 else 120)
    check(e is not None, f"the injector did not take '{kind}'")
    return e


def expect_fatal(q, context_invalid):
    """A fatal exit: one NOTIFY_VMEXIT with action stop, then STOP."""
    check(q.wait_event("STOP") is not None, "no STOP event")
    check(q.wait_status("internal-error") == "internal-error", "run state is not internal-error")
    names = q.event_names()
    ev = notify_events(q)
    check(len(ev) == 1, f"expected one NOTIFY_VMEXIT, got {names}")
    check(names.index("NOTIFY_VMEXIT") < names.index("STOP"),
          f"NOTIFY_VMEXIT must come before STOP, got {names}")
    data = ev[0]["data"]
    want = {"cpu-index": 0, "context-invalid": context_invalid, "action": "stop", "count": 1}
    check(data == want, f"event data {data}, expected {want}")


def case_invalid_context(d):
    with started(d, "kvm,notify-vmexit=run,notify-window=131072") as q:
        inject_wait(q, "notify-invalid")
        expect_fatal(q, True)
    return "invalid context in run mode: NOTIFY_VMEXIT(stop, context-invalid) before STOP"


def case_internal_error_mode(d):
    with started(d, "kvm,notify-vmexit=internal-error,notify-window=0") as q:
        inject_wait(q, "notify-valid")
        expect_fatal(q, False)
    return "valid context in internal-error mode: NOTIFY_VMEXIT(stop) before STOP"


def case_run_mode(d):
    with started(d, "kvm,notify-vmexit=run") as q:
        inject_wait(q, "notify-valid")
        check(q.wait_event("NOTIFY_VMEXIT") is not None, "no NOTIFY_VMEXIT event")
        q.poll_events(0.5)
        data = notify_events(q)[0]["data"]
        want = {"cpu-index": 0, "context-invalid": False, "action": "run", "count": 1}
        check(data == want, f"event data {data}, expected {want}")
        check(q.status() == "running", "the guest does not run on")
        check("STOP" not in q.event_names(), f"unexpected STOP: {q.event_names()}")
    return "valid context in run mode: NOTIFY_VMEXIT(run), the guest runs on"


def case_burst_then_fatal(d):
    with started(d, "kvm,notify-vmexit=run") as q:
        armed = time.time()
        last = inject_wait(q, "notify-valid", BURST)
        secs = last.time - armed
        # the event held back when the burst ended comes within the second
        q.poll_events(1.5)
        ev = notify_events(q)
        # one at once, then at most one a second, the last at the end
        bound = math.ceil(secs) + 2
        check(1 <= len(ev) <= bound,
              f"{len(ev)} events for {BURST} exits in {secs:.2f} s (at most {bound})")
        check(ev[-1]["data"]["count"] == BURST,
              f"the last event counts {ev[-1]['data']['count']} exits, not {BURST}")
        check(all(e["data"]["action"] == "run" for e in ev), "a non-fatal exit said 'stop'")
        check(q.status() == "running", "the guest does not run on after the burst")
        runs = len(ev)

        # a fatal exit right after more non-fatal ones, while the rate
        # limit holds one back: the held one, then the fatal one, at once
        inject_wait(q, "notify-valid", 1000)
        sent = time.time()
        inject_wait(q, "notify-invalid")
        stop = q.wait_event("STOP")
        check(stop is not None, "no STOP after the fatal exit")
        fatal = [e for e in notify_events(q) if e["data"]["action"] == "stop"]
        check(len(fatal) == 1, f"expected one NOTIFY_VMEXIT(stop), got {len(fatal)}")
        names = q.event_names()
        check(q.events.index(fatal[0]) < names.index("STOP"), f"NOTIFY_VMEXIT(stop) after STOP: {names}")
        held = notify_events(q)[runs:-1]
        check(held and held[-1]["data"]["count"] == BURST + 1000,
              f"the held-back event did not come first: {[e['data'] for e in notify_events(q)[runs:]]}")
        check(fatal[0]["data"]["count"] == BURST + 1001, f"fatal event counts {fatal[0]['data']['count']}")
        ts = fatal[0]["timestamp"]
        delay = ts["seconds"] + ts["microseconds"] / 1e6 - sent
        check(delay < 0.5, f"the fatal event was held back {delay:.2f} s")
    return (f"{BURST} non-fatal exits in {secs:.2f} s gave {runs} events (bound {bound}), "
            f"the last counting {BURST}; a fatal exit right after is sent at once, after the held one")


def case_disable(d):
    with started(d, "kvm,notify-vmexit=disable") as q:
        e = inject_wait(q, "notify-invalid")
        check(e.what == "refused", f"the injector took a notify exit QEMU did not enable: {e.line}")
        q.poll_events(1.0)
        check(not notify_events(q), f"NOTIFY_VMEXIT with notify-vmexit=disable: {q.event_names()}")
        check(q.status() == "running", "the guest stopped")
    return "notify-vmexit=disable: no exit, no event"


def case_schema(d):
    with started(d, "kvm") as q:
        schema = q.cmd("query-qmp-schema")
        byname = {e["name"]: e for e in schema}
        check("NOTIFY_VMEXIT" in byname, "query-qmp-schema lacks the event NOTIFY_VMEXIT")
        args = byname[byname["NOTIFY_VMEXIT"]["arg-type"]]
        members = sorted(m["name"] for m in args["members"])
        want = sorted(["cpu-index", "context-invalid", "action", "count"])
        check(members == want, f"NOTIFY_VMEXIT members {members}, expected {want}")
    return "query-qmp-schema has NOTIFY_VMEXIT and its four members"


def case_stock_control(d):
    with started(d, "kvm,notify-vmexit=run", STOCK) as q:
        inject_wait(q, "notify-invalid")
        check(q.wait_event("STOP") is not None, "no STOP event")
        q.poll_events(0.5)
        check(not notify_events(q), "Debian's QEMU sent NOTIFY_VMEXIT")
    return "control: Debian's QEMU stops on the same exit without the event"


def main():
    failed = 0
    cases = [case_schema, case_invalid_context, case_internal_error_mode, case_run_mode,
             case_burst_then_fatal, case_disable, case_stock_control]
    for c in cases:
        with tempfile.TemporaryDirectory() as d:
            try:
                print(f"PASS: {c.__name__[5:]}: {c(d)}", flush=True)
            except Failed as e:
                failed += 1
                print(f"FAIL: {c.__name__[5:]}: {e}", flush=True)
                err = os.path.join(d, "qemu.stderr")
                if os.path.exists(err):
                    print("  qemu stderr: " + open(err).read()[:1500].replace("\n", "\n    "))
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
