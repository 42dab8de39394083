"""A QEMU of its own, without libvirt, for the tests that talk to QEMU
directly: qemu-system-x86_64 with KVM, the exit injector preloaded, the
harness's halting boot sector as its disk, and a QMP monitor.

    q = BareQemu(binary, injector_lib, image, workdir, "kvm,notify-vmexit=run")
    q.inject("notify-invalid")       # harness/injector.py's protocol
    q.wait_status("internal-error")
    q.wait_event("STOP")
    q.close()

Every QMP event QEMU sends is kept in q.events (the decoded messages, with
QEMU's timestamp), whether it came while a command waited or through
q.poll_events().
"""
import json
import os
import select
import socket
import subprocess
import time

import injector


class BareQemu:
    def __init__(self, binary, lib, image, workdir, accel):
        self.dir = workdir
        self.trigger, self.log = injector.paths(workdir, "bare")
        self.stderr = os.path.join(workdir, "qemu.stderr")
        qmp = os.path.join(workdir, "qmp.sock")
        env = dict(os.environ, **injector.environment(lib, workdir, "bare"))
        self.proc = subprocess.Popen(
            [binary, "-accel", accel, "-m", "32", "-nodefaults", "-display", "none",
             "-no-shutdown", "-drive", f"file={image},format=raw,if=ide,snapshot=on",
             "-qmp", f"unix:{qmp},server=on,wait=off"],
            env=env, stderr=open(self.stderr, "w"), stdout=subprocess.DEVNULL)
        self.sock = socket.socket(socket.AF_UNIX)
        for _ in range(200):
            try:
                self.sock.connect(qmp)
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("QEMU exited: " + open(self.stderr).read())
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self.read()                      # greeting
        self.cmd("qmp_capabilities")

    def read(self, timeout=None):
        """The next QMP message; None if none came within TIMEOUT seconds."""
        end = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buf:
            if end is not None:
                left = end - time.monotonic()
                if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                    return None
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("QEMU closed QMP; stderr: " + open(self.stderr).read())
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall((json.dumps(msg) + "\n").encode())
        while True:
            r = self.read()
            if "event" in r:
                self.events.append(r)
                continue
            if "error" in r:
                raise RuntimeError(f"QMP {name}: {r['error']}")
            return r.get("return", r)

    def poll_events(self, secs):
        """Keep the events that arrive within SECS."""
        end = time.monotonic() + secs
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r = self.read(left)
            if r is not None and "event" in r:
                self.events.append(r)

    def event_names(self):
        return [e["event"] for e in self.events]

    def wait_event(self, name, secs=5.0):
        """The first event NAME (kept or arriving within SECS), or None."""
        end = time.monotonic() + secs
        while True:
            for e in self.events:
                if e["event"] == name:
                    return e
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.poll_events(min(left, 0.1))

    def status(self):
        return self.cmd("query-status")["status"]

    def inject(self, what, vcpu=0, count=1):
        injector.send(self.trigger, what, vcpu, count)

    def wait_status(self, want, secs=5.0):
        end = time.time() + secs
        st = self.status()
        while st != want and time.time() < end:
            time.sleep(0.02)
            st = self.status()
        return st

    def logtext(self):
        return "\n".join(e.line for e in injector.events(self.log))

    def close(self):
        self.proc.kill()
        self.proc.wait()
