#!/usr/bin/env python3
"""The measurements of 'make bench' (driven by bench/bench.sh).

Every figure is a ratio against a reference measured in the same run:
  1. attribution latency: injector timestamp of a fatal notify exit ->
     client receives CRASHED/NOTIFY_VMEXIT, against an injected crash system
     event -> CRASHED/PANICKED (libvirt's panic path), interleaved;
  2. scale: a fatal notify exit in 32 running guests at once;
  3. normal-path cost: define + start + destroy with and without
     <notify-vmexit>.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import injector  # noqa: E402  (harness/injector.py: the trigger protocol)

EVENT_CRASHED = 8            # VIR_DOMAIN_EVENT_CRASHED
DETAIL_PANICKED = 0          # VIR_DOMAIN_EVENT_CRASHED_PANICKED
DETAIL_NOTIFY = 2            # VIR_DOMAIN_EVENT_CRASHED_NOTIFY_VMEXIT
SAMPLES = 30
SCALE = 32
COST_ROUNDS = 20
PARSE_ROUNDS = 30
PARSE_ITERS = 1000


def progress(msg):
    print(f"bench: {msg}", flush=True)


class Bench:
    def __init__(self, a):
        self.a = a
        self.events_path = os.path.join(a.guestdir, "bench-events.txt")
        self.events = subprocess.Popen(
            [os.path.join(a.tools, "lifecycle-events"), a.uri],
            stdout=open(self.events_path, "w"), stderr=subprocess.STDOUT)
        self.wait_for(lambda: "ready" in open(self.events_path).read(), 10, "event client")

    def virsh(self, *args):
        r = subprocess.run([self.a.virsh, "-q", "-c", self.a.uri, *args],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"bench: error: virsh {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout.strip()

    @staticmethod
    def wait_for(cond, secs, what):
        end = time.time() + secs
        while time.time() < end:
            if cond():
                return
            time.sleep(0.005)
        sys.exit(f"bench: error: timed out after {secs}s waiting for {what}")

    def state(self, name):
        return self.virsh("domstate", "--reason", name)

    def start(self, name):
        self.virsh("define", os.path.join(self.a.xmldir, name + ".xml"))
        injector.reset(self.a.guestdir, name)
        self.virsh("start", name)

    def trigger(self, name, kind):
        injector.send(injector.paths(self.a.guestdir, name)[0], kind)

    def injected_at(self, name, nth):
        """Time of the nth exit the injector of NAME injected."""
        times = injector.injected(injector.paths(self.a.guestdir, name)[1])
        return times[nth] if len(times) > nth else None

    def crash_events(self, name):
        out = []
        for line in open(self.events_path):
            f = line.split()
            if len(f) == 4 and f[1] == name and int(f[2]) == EVENT_CRASHED:
                out.append((float(f[0]), int(f[3])))
        return out

    def rss_kib(self):
        pid = open(self.a.pidfile).read().strip()
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    # 1. latency ---------------------------------------------------------
    def latency(self):
        progress(f"latency: {SAMPLES} fatal notify exits and {SAMPLES} crash events, interleaved")
        guests = {"notify": "lat-notify", "panic": "lat-panic"}
        kinds = {"notify": ("notify-invalid", DETAIL_NOTIFY),
                 "panic": ("crash", DETAIL_PANICKED)}
        for g in guests.values():
            self.start(g)
        for g in guests.values():
            self.wait_for(lambda: self.state(g) == "running (booted)", 10, f"{g} to run")
        time.sleep(0.5)
        lat = {"notify": [], "panic": []}
        for i in range(SAMPLES):
            order = ["notify", "panic"] if i % 2 == 0 else ["panic", "notify"]
            for k in order:
                g = guests[k]
                kind, detail = kinds[k]
                self.trigger(g, kind)
                self.wait_for(lambda: len(self.crash_events(g)) > i, 10, f"{g} crash event {i}")
                ev_ts, ev_detail = self.crash_events(g)[i]
                if ev_detail != detail:
                    sys.exit(f"bench: error: {g}: crash event detail {ev_detail}, expected {detail}")
                self.wait_for(lambda: self.injected_at(g, i) is not None, 5, f"{g} injector log")
                lat[k].append((ev_ts - self.injected_at(g, i)) * 1000.0)
                # run it again for the next sample: reset, then resume
                self.wait_for(lambda: self.state(g).startswith("crashed"), 10, f"{g} crashed state")
                self.virsh("reset", g)
                self.virsh("resume", g)
        for g in guests.values():
            self.virsh("destroy", g)
            self.virsh("undefine", g)
        return lat

    # 2. scale -------------------------------------------------------------
    def scale(self):
        names = [f"scale-{i:02d}" for i in range(1, SCALE + 1)]
        progress(f"scale: starting {SCALE} guests")
        for n in names:
            self.start(n)
        for n in names:
            self.wait_for(lambda: self.state(n) == "running (booted)", 20, f"{n} to run")
        time.sleep(1.0)
        rss_before = self.rss_kib()
        progress(f"scale: a fatal notify exit in all {SCALE} at once")
        for n in names:
            self.trigger(n, "notify-invalid")
        self.wait_for(lambda: all(self.crash_events(n) for n in names), 60,
                      "every guest's crash event")
        time.sleep(0.5)
        lat, wrong = [], []
        for n in names:
            evs = self.crash_events(n)
            if len(evs) != 1 or evs[0][1] != DETAIL_NOTIFY:
                wrong.append((n, evs))
                continue
            if self.state(n) != "crashed (notify VM exit)":
                wrong.append((n, self.state(n)))
            lat.append((evs[0][0] - self.injected_at(n, 0)) * 1000.0)
        rss_after = self.rss_kib()
        for n in names:
            self.virsh("destroy", n)
            self.virsh("undefine", n)
        return {"guests": SCALE, "attributed": len(lat), "wrong": wrong,
                "latency_ms": lat, "rss_before_kib": rss_before,
                "rss_after_kib": rss_after}

    # 3. normal-path cost ----------------------------------------------------
    def cost(self):
        progress(f"normal path: {COST_ROUNDS} rounds of define + start + destroy, with and without <notify-vmexit>")
        r = subprocess.run([os.path.join(self.a.tools, "lifecycle-cost"), self.a.uri,
                            str(COST_ROUNDS),
                            os.path.join(self.a.xmldir, "cost-notify.xml"),
                            os.path.join(self.a.xmldir, "cost-plain.xml")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"bench: error: lifecycle-cost: {r.stderr.strip()}")
        res = {"a": [], "b": []}
        for line in r.stdout.splitlines():
            k, ns = line.split()
            res[k].append(int(ns) / 1e6)
        return {"notify_ms": res["a"], "plain_ms": res["b"]}

    # 4. in-process parse + validate + format ---------------------------------
    def parse(self):
        progress(f"XML: {PARSE_ROUNDS} x {PARSE_ITERS} parse + validate + format, with and without the new elements")
        env = dict(os.environ,
                   BENCH_XML_A=os.path.join(self.a.parsexml, "parse-new.xml"),
                   BENCH_XML_B=os.path.join(self.a.parsexml, "parse-plain.xml"),
                   BENCH_ROUNDS=str(PARSE_ROUNDS), BENCH_ITERS=str(PARSE_ITERS))
        r = subprocess.run([self.a.parsebench], env=env, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"bench: error: qemudomainxmlbench: {r.stderr.strip()}")
        res = {"a": [], "b": []}
        for line in r.stdout.splitlines():
            f = line.split()
            if len(f) == 2 and f[0] in res:
                res[f[0]].append(int(f[1]) / 1000.0)
        # the first round of each warms caches up
        return {"new_us": res["a"][1:], "plain_us": res["b"][1:]}

    def close(self):
        self.events.terminate()
        self.events.wait()


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def summary(values):
    return {"n": len(values), "median": statistics.median(values),
            "p95": pct(values, 95), "max": max(values)}


def main():
    ap = argparse.ArgumentParser()
    for opt in ("uri", "virsh", "tools", "xmldir", "parsexml", "guestdir", "pidfile",
                "out", "parsebench"):
        ap.add_argument("--" + opt, required=True)
    a = ap.parse_args()
    b = Bench(a)
    t0 = time.time()
    try:
        lat = b.latency()
        sc = b.scale()
        cost = b.cost()
        parse = b.parse()
    finally:
        b.close()

    n, p = summary(lat["notify"]), summary(lat["panic"])
    s = summary(sc["latency_ms"]) if sc["latency_ms"] else None
    cn, cp = statistics.median(cost["notify_ms"]), statistics.median(cost["plain_ms"])
    pn, pp = statistics.median(parse["new_us"]), statistics.median(parse["plain_us"])
    rows = [
        ("attribution latency, notify exit (ms)", f"median {n['median']:.2f}  p95 {n['p95']:.2f}  max {n['max']:.2f}  (n={n['n']})", "p95 <= 50 ms",
         n["p95"] <= 50),
        ("reference: panic path (ms)", f"median {p['median']:.2f}  p95 {p['p95']:.2f}  max {p['max']:.2f}  (n={p['n']})", "", None),
        ("ratio of medians notify/panic", f"{n['median'] / p['median']:.3f}", "<= 1.10",
         n["median"] / p["median"] <= 1.10),
        (f"scale: {sc['guests']} guests at once", f"{sc['attributed']} attributed, {len(sc['wrong'])} lost or mislabelled", "all attributed",
         sc["attributed"] == sc["guests"] and not sc["wrong"]),
        ("scale: p95 latency (ms)", f"{s['p95']:.2f} = {s['p95'] / n['median']:.2f} x single median" if s else "-",
         "<= 3 x single median", bool(s) and s["p95"] <= 3 * n["median"]),
        ("scale: virtqemud RSS (KiB)", f"{sc['rss_before_kib']} before, {sc['rss_after_kib']} after", "", None),
        ("define+start+destroy (ms, median)", f"with {cn:.1f}, without {cp:.1f}, ratio {cn / cp:.3f}", "<= 1.02", cn / cp <= 1.02),
        ("XML parse+validate+format (us, median)", f"with {pn:.1f}, without {pp:.1f}, ratio {pn / pp:.3f}", "<= 1.02", pn / pp <= 1.02),
    ]
    print()
    print(f"{'measure':40} {'result':62} {'target':22} met")
    for name, res, target, ok in rows:
        met = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:40} {res:62} {target:22} {met}")
    print(f"\nbench: {time.time() - t0:.0f} s of measurements")

    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    json.dump({"latency_ms": lat, "notify": n, "panic": p,
               "ratio_of_medians": n["median"] / p["median"],
               "scale": sc, "scale_summary": s,
               "define_start_destroy_ms": cost,
               "define_start_destroy_ratio": cn / cp,
               "xml_parse_validate_format_us": parse,
               "xml_parse_ratio": pn / pp,
               "targets_met": {r[0]: r[3] for r in rows if r[3] is not None}},
              open(a.out, "w"), indent=1)
    print(f"bench: results in {a.out}")


if __name__ == "__main__":
    main()
