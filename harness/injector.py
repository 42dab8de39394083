#!/usr/bin/env python3
"""The exit injector's protocol, written once.

The injector (harness/injector/notify-injector.c), preloaded into a guest's
QEMU, takes commands from a trigger file and answers in a log.  Everything
that talks to it goes through this module: the shell harness through the
command line below, bench/bench.py and harness/injector/bare_qemu.py by
importing it.

For a guest NAME in the guest directory DIR:
  DIR/NAME.trigger     one command, written whole (a rename):
                       "KIND VCPU [COUNT]" (KIND one of KINDS; COUNT > 1, a
                       burst, for notify-valid only) or "log-fill BYTES [nul]"
  DIR/NAME.inject.log  one line an event: "SECONDS.NANOS pid=PID WHAT ...",
                       WHAT one of: enable-cap, inject, refused, ...

Command line (DIR NAME as above):
  injector.py env LIB DIR NAME        the <qemu:env> lines of a guest
  injector.py reset DIR NAME          forget earlier triggers and log
  injector.py send DIR NAME KIND [VCPU [COUNT]]
                                      ask for one exit (or a burst of
                                      COUNT), do not wait
  injector.py inject DIR NAME KIND [VCPU [COUNT]]
                                      ask for one exit (or a burst of
                                      COUNT), wait (10 s, a burst 120 s)
                                      until the injector took or refused
                                      it (the last of a burst), print that
                                      line; exit 1 on time-out
  injector.py fill DIR NAME BYTES [nul]
                                      ask for BYTES of filler lines, print
                                      the last filler line QEMU will write
  injector.py taken DIR NAME          wait (10 s) until the injector took
                                      the last command; exit 1 on time-out
  injector.py enabled DIR NAME        the enable-cap lines (what QEMU asked
                                      KVM for)
"""
import os
import sys
import time

KINDS = ("notify-invalid", "notify-valid", "crash", "internal-error")
FILLER_LINE = 64          # bytes of one filler line, newline included


def paths(guestdir, name):
    """(trigger file, injector log) of guest NAME."""
    return (os.path.join(guestdir, name + ".trigger"),
            os.path.join(guestdir, name + ".inject.log"))


def environment(lib, guestdir, name):
    """The environment that preloads the injector into NAME's QEMU."""
    trigger, log = paths(guestdir, name)
    return {"LD_PRELOAD": lib, "NOTIFY_INJECT_TRIGGER": trigger,
            "NOTIFY_INJECT_LOG": log}


def reset(guestdir, name):
    for p in paths(guestdir, name):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


def _write_trigger(trigger, command):
    tmp = trigger + ".tmp"
    with open(tmp, "w") as f:
        f.write(command + "\n")
    os.rename(tmp, trigger)


def send(trigger, kind, vcpu=0, count=1):
    """Ask for one exit of KIND on VCPU, or a burst of COUNT (notify-valid:
    one on each KVM_RUN of the vCPU)."""
    if kind not in KINDS:
        raise ValueError(f"unknown exit kind '{kind}' (known: {', '.join(KINDS)})")
    if count != 1 and (count < 1 or kind != "notify-valid"):
        raise ValueError(f"a burst of {count} '{kind}' exits: only notify-valid comes in bursts")
    _write_trigger(trigger, f"{kind} {vcpu}" + (f" {count}" if count != 1 else ""))


def fill(trigger, nbytes, nul=False):
    """Ask for NBYTES (a multiple of 64) of filler lines on QEMU's stderr,
    each with two NUL bytes if NUL; returns the text of the last filler
    line (up to its first NUL byte)."""
    if nbytes <= 0 or nbytes % FILLER_LINE:
        raise ValueError(f"filler size {nbytes} is not a positive multiple of {FILLER_LINE}")
    _write_trigger(trigger, f"log-fill {nbytes}" + (" nul" if nul else ""))
    return "notify-injector: filler %09d " % (nbytes // FILLER_LINE - 1)


class Event:
    """One line of the injector's log."""

    def __init__(self, line):
        f = line.split(" ", 3)
        self.time = float(f[0])
        self.pid = int(f[1].split("=", 1)[1])
        self.what = f[2]
        self.rest = f[3] if len(f) > 3 else ""
        self.line = line

    def __repr__(self):
        return self.line


def wait_taken(trigger, secs=10.0):
    """Wait until the injector took the last command (removed the trigger
    file); it runs a filler command before it takes the next one."""
    end = time.monotonic() + secs
    while os.path.exists(trigger):
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def events(log):
    """Every event in the log, oldest first ([] before the first)."""
    try:
        with open(log) as f:
            return [Event(l.rstrip("\n")) for l in f if l.strip()]
    except FileNotFoundError:
        return []


def injected(log):
    """Times of the exits the injector injected, oldest first."""
    return [e.time for e in events(log) if e.what == "inject"]


def wait_answer(log, before, secs=10.0):
    """The first 'inject' or 'refused' event after the first BEFORE events,
    or None after SECS."""
    end = time.time() + secs
    while True:
        for e in events(log)[before:]:
            if e.what in ("inject", "refused"):
                return e
        if time.time() >= end:
            return None
        time.sleep(0.02)


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    cmd, guestdir, name = argv[1], argv[2], argv[3]
    if cmd == "env":
        lib, guestdir, name = argv[2], argv[3], argv[4]
        for k, v in environment(lib, guestdir, name).items():
            print(f"<qemu:env name='{k}' value='{v}'/>")
        return 0
    trigger, log = paths(guestdir, name)
    if cmd == "reset":
        reset(guestdir, name)
    elif cmd in ("send", "inject"):
        kind = argv[4]
        vcpu = int(argv[5]) if len(argv) > 5 else 0
        count = int(argv[6]) if len(argv) > 6 else 1
        before = len(events(log))
        send(trigger, kind, vcpu, count)
        if cmd == "inject":
            secs = 10.0 if count == 1 else 120.0
            e = wait_answer(log, before, secs)
            if e is None:
                print(f"FAIL: {name}: the injector did not take '{kind} {vcpu} {count}' "
                      f"within {secs:.0f} s (log: {log})", file=sys.stderr)
                return 1
            print(e.line)
    elif cmd == "fill":
        print(fill(trigger, int(argv[4]), len(argv) > 5 and argv[5] == "nul"))
    elif cmd == "taken":
        if not wait_taken(trigger):
            print(f"FAIL: {name}: the injector did not take its last command within 10 s "
                  f"(log: {log})", file=sys.stderr)
            return 1
    elif cmd == "enabled":
        for e in events(log):
            if e.what == "enable-cap":
                print(e.line)
    else:
        sys.exit(f"injector.py: error: unknown command '{cmd}'\n{__doc__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
