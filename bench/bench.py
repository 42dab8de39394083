#!/usr/bin/env python3
"""The measurements of 'make bench' (driven by bench/bench.sh).

Every figure is a ratio against a reference measured in the same run:
  1. attribution latency: injector timestamp of a fatal notify exit ->
     client receives CRASHED/NOTIFY_VMEXIT, on the patched QEMU (libvirt's
     evidence: QEMU's NOTIFY_VMEXIT event) and on Debian's QEMU (the
     fallback: QEMU's warning in the log), against an injected crash system
     event -> CRASHED/PANICKED (libvirt's panic path), interleaved;
  2. scale: a fatal notify exit in 32 running guests at once, on each QEMU,
     against a guest panic in 32 guests at once; 4 rounds on the same
     guests, each arm of a round from the same idle host (scale_round);
  3. a burst of 100,000 non-fatal notify exits in one guest: virtqemud's
     CPU time and RSS, the count domain stats report, and the latency of
     another guest's fatal exit during bursts in the patched QEMU (events)
     against during the same bursts in Debian's QEMU (no events: the same
     load on the host's CPUs), and against without;
  4. normal-path cost: define + start + destroy with and without
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
SCALE_ROUNDS = 4
BURST = 100000
BURST_SAMPLES = 20
COST_ROUNDS = 20
PARSE_ROUNDS = 30
PARSE_ITERS = 1000
SETTLE_BUSY = 0.10           # of all the host's CPUs
SETTLE_SECS = 30
SCALE_SETTLE_SECS = 120


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
        self.unsettled = 0
        self.settles = 0

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

    @staticmethod
    def cpu_jiffies():
        """(all, idle) jiffies of the host's CPUs so far"""
        v = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
        return sum(v), v[3] + v[4]

    def quiesce(self, what, secs=SETTLE_SECS):
        """Wait until the host's CPUs are idle (below SETTLE_BUSY over a
        quarter of a second), at most SECS: a guest that was reset boots its
        firmware again, and the next sample must not compete with that.
        After 64 resets the nested host's kernel workers can keep a CPU busy
        for minutes, so a scale round waits longer (SCALE_SETTLE_SECS) and
        then goes on, marked."""
        self.settles += 1
        end = time.time() + secs
        t0, i0 = self.cpu_jiffies()
        busy = 1.0
        while time.time() < end:
            time.sleep(0.25)
            t1, i1 = self.cpu_jiffies()
            busy = 1.0 - (i1 - i0) / max(1, t1 - t0)
            if busy < SETTLE_BUSY:
                return
            t0, i0 = t1, i1
        self.unsettled += 1
        progress(f"note: the host's CPUs are still {busy:.0%} busy after {secs} s ({what}); "
                 f"going on (if this repeats outside the scale rounds, stop other load and rerun)")

    def state(self, name):
        return self.virsh("domstate", "--reason", name)

    def start(self, name):
        self.virsh("define", os.path.join(self.a.xmldir, name + ".xml"))
        injector.reset(self.a.guestdir, name)
        self.virsh("start", name)

    def trigger(self, name, kind, count=1):
        injector.send(injector.paths(self.a.guestdir, name)[0], kind, 0, count)

    def injector_log(self, name):
        return injector.events(injector.paths(self.a.guestdir, name)[1])

    def cpu_ms(self):
        """virtqemud's user + system CPU time so far"""
        pid = open(self.a.pidfile).read().strip()
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")

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
    KINDS = {"notify": ("lat-notify", "notify-invalid", DETAIL_NOTIFY),
             "fallback": ("lat-fallback", "notify-invalid", DETAIL_NOTIFY),
             "panic": ("lat-panic", "crash", DETAIL_PANICKED)}

    def sample(self, g, kind, detail, i):
        """Trigger exit KIND in G, wait for its i-th crash event; latency in
        ms.  G runs again afterwards (reset, resume)."""
        self.trigger(g, kind)
        self.wait_for(lambda: len(self.crash_events(g)) > i, 10, f"{g} crash event {i}")
        ev_ts, ev_detail = self.crash_events(g)[i]
        if ev_detail != detail:
            sys.exit(f"bench: error: {g}: crash event detail {ev_detail}, expected {detail}")
        self.wait_for(lambda: self.injected_at(g, i) is not None, 5, f"{g} injector log")
        ms = (ev_ts - self.injected_at(g, i)) * 1000.0
        self.wait_for(lambda: self.state(g).startswith("crashed"), 10, f"{g} crashed state")
        self.virsh("reset", g)
        self.virsh("resume", g)
        self.quiesce(f"{g} after its reset")
        return ms

    def latency(self):
        progress(f"latency: {SAMPLES} fatal notify exits on each QEMU and {SAMPLES} crash events, interleaved")
        for g, _, _ in self.KINDS.values():
            self.start(g)
        for g, _, _ in self.KINDS.values():
            self.wait_for(lambda: self.state(g) == "running (booted)", 20, f"{g} to run")
        self.quiesce("the latency guests' boot")
        lat = {k: [] for k in self.KINDS}
        order = list(self.KINDS)
        for i in range(SAMPLES):
            for k in rotated(order, i):
                g, kind, detail = self.KINDS[k]
                lat[k].append(self.sample(g, kind, detail, i))
        for g, _, _ in self.KINDS.values():
            self.virsh("destroy", g)
            self.virsh("undefine", g)
        return lat

    # 2. scale -------------------------------------------------------------
    SCALE_ARMS = {"notify": ("scale-notify", "notify-invalid", DETAIL_NOTIFY, "crashed (notify VM exit)"),
                  "panic": ("scale-panic", "crash", DETAIL_PANICKED, "crashed (panicked)"),
                  "fallback": ("scale-fallback", "notify-invalid", DETAIL_NOTIFY, "crashed (notify VM exit)")}

    def scale_names(self, arm):
        return [f"{self.SCALE_ARMS[arm][0]}-{i:02d}" for i in range(1, SCALE + 1)]

    def scale_arm(self, arm, r, res):
        """All SCALE guests of ARM crash at once, for the r-th time; they stay
        crashed (the round resets them)."""
        _, kind, detail, state = self.SCALE_ARMS[arm]
        names = self.scale_names(arm)
        for n in names:
            self.trigger(n, kind)
        self.wait_for(lambda: all(len(self.crash_events(n)) > r for n in names), 60,
                      f"every {arm} guest's crash event {r}")
        time.sleep(0.5)
        lat = []
        for n in names:
            evs = self.crash_events(n)
            st = self.state(n)
            if len(evs) != r + 1 or evs[r][1] != detail or st != state:
                res["wrong"].append((n, r, evs, st))
            else:
                lat.append((evs[r][0] - self.injected_at(n, r)) * 1000.0)
                res["attributed"] += 1
        res["latency_ms"] += lat
        res["rounds"].append(summary(lat) if lat else None)

    def scale_round(self, arms, r, res):
        """Round r: from an idle host, each arm's SCALE guests crash at once,
        one arm after the other (the order rotating from round to round),
        with nothing in between: the arm that goes second finds the first
        one's guests stopped, not booting.  Then every guest is reset and
        runs again, and the host settles before the next round."""
        order = rotated(arms, r)
        unsettled = self.unsettled
        t0 = time.time()
        self.quiesce(f"round {r + 1}'s start", SCALE_SETTLE_SECS)
        progress(f"scale: round {r + 1}/{SCALE_ROUNDS}: {SCALE} at once, "
                 f"{' then '.join(order)}; "
                 + ("the host was not idle" if self.unsettled > unsettled else
                    f"the host was idle after {time.time() - t0:.0f} s"))
        for arm in order:
            self.scale_arm(arm, r, res[arm])
            res[arm]["round_settled"].append(self.unsettled == unsettled)
        names = [n for arm in arms for n in self.scale_names(arm)]
        for n in names:
            self.virsh("reset", n)
            self.virsh("resume", n)
        for n in names:
            self.wait_for(lambda: self.state(n).startswith("running"), 30, f"{n} to run again")

    def scale(self, arms):
        """SCALE guests per arm, all running; SCALE_ROUNDS rounds in which
        each arm's guests crash at once (scale_round)."""
        names = [n for arm in arms for n in self.scale_names(arm)]
        progress(f"scale: starting {len(names)} guests ({', '.join(arms)})")
        for n in names:
            self.start(n)
        for n in names:
            self.wait_for(lambda: self.state(n) == "running (booted)", 30, f"{n} to run")
        res = {arm: {"guests": SCALE * SCALE_ROUNDS, "attributed": 0, "wrong": [],
                     "latency_ms": [], "rounds": [], "round_settled": []} for arm in arms}
        rss_before = self.rss_kib()
        for r in range(SCALE_ROUNDS):
            self.scale_round(arms, r, res)
        rss_after = self.rss_kib()
        for n in names:
            self.virsh("destroy", n)
            self.virsh("undefine", n)
        for arm in arms:
            res[arm]["rss_before_kib"] = rss_before
            res[arm]["rss_after_kib"] = rss_after
        return res

    # 3. a burst of non-fatal exits ------------------------------------------
    def burst_done(self, src, before):
        return any(e.what == "inject" for e in self.injector_log(src)[before:])

    def burst_sample(self, src, probe, i):
        """Another guest's fatal exit while SRC runs a burst (sample() then
        waits for an idle host, so the burst is over or nearly)."""
        before = len(self.injector_log(src))
        self.trigger(src, "notify-valid", BURST)
        self.wait_for(lambda: len(self.injector_log(src)) > before, 5, f"the burst in {src} to start")
        ms = self.sample(probe, "notify-invalid", DETAIL_NOTIFY, i)
        self.wait_for(lambda: self.burst_done(src, before), 120, f"the burst in {src}")
        return ms

    def burst(self):
        src, stock, probe = "burst-src", "burst-stock", "burst-probe"
        progress(f"burst: {BURST} non-fatal notify exits in one guest; {BURST_SAMPLES} fatal exits "
                 f"in another during bursts on each QEMU and {BURST_SAMPLES} without")
        for g in (src, stock, probe):
            self.start(g)
        for g in (src, stock, probe):
            self.wait_for(lambda: self.state(g) == "running (booted)", 20, f"{g} to run")
        self.quiesce("the burst guests' boot")
        # the daemon's cost of one burst, the trailing event included
        cpu0, rss0 = self.cpu_ms(), self.rss_kib()
        before = len(self.injector_log(src))
        t0 = time.time()
        self.trigger(src, "notify-valid", BURST)
        self.wait_for(lambda: self.burst_done(src, before), 120, "the burst")
        secs = self.injector_log(src)[-1].time - t0
        time.sleep(1.5)
        cpu1, rss1 = self.cpu_ms(), self.rss_kib()
        stats = self.virsh("domstats", "--notify-vmexit", src)
        count = int([l.split("=")[1] for l in stats.splitlines() if "notify_vmexit.count=" in l][0])
        # another guest's fatal exits: during bursts in the patched QEMU
        # (events), during the same bursts in Debian's QEMU (no events: the
        # same load on the host's CPUs, nothing for the daemon), and
        # without; interleaved, the order rotating
        arms = ["events", "no-events", "idle"]
        lat = {a: [] for a in arms}
        i = 0
        for j in range(BURST_SAMPLES):
            for arm in rotated(arms, j):
                if arm == "events":
                    lat[arm].append(self.burst_sample(src, probe, i))
                elif arm == "no-events":
                    lat[arm].append(self.burst_sample(stock, probe, i))
                else:
                    lat[arm].append(self.sample(probe, "notify-invalid", DETAIL_NOTIFY, i))
                i += 1
        for g in (src, stock):
            if self.state(g) != "running (booted)":
                sys.exit(f"bench: error: {g} does not run after the bursts: {self.state(g)}")
        for g in (src, stock, probe):
            self.virsh("destroy", g)
            self.virsh("undefine", g)
        return {"exits": BURST, "seconds": secs, "count": count,
                "cpu_ms": cpu1 - cpu0, "rss_before_kib": rss0, "rss_after_kib": rss1,
                "latency_ms": lat}

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


def rotated(seq, i):
    """SEQ starting at its (i mod len)-th element: the order of interleaved
    arms changes from one sample or round to the next"""
    i %= len(seq)
    return seq[i:] + seq[:i]


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def summary(values):
    return {"n": len(values), "median": statistics.median(values),
            "p95": pct(values, 95), "max": max(values)}


SECTIONS = ("latency", "scale", "fallback-scale", "burst", "cost", "parse")


def lat_row(x):
    return f"median {x['median']:.2f}  p95 {x['p95']:.2f}  max {x['max']:.2f}  (n={x['n']})"


def scale_ok(r):
    return r["attributed"] == r["guests"] and not r["wrong"]


def per_round(r):
    """'median/p95' in ms of each round, '*' after a round that did not
    start on an idle host"""
    return ", ".join("-" if x is None else
                     f"{x['median']:.0f}/{x['p95']:.0f}{'' if ok else '*'}"
                     for x, ok in zip(r["rounds"], r["round_settled"]))


def rows_latency(lat, out):
    n, p, f = summary(lat["notify"]), summary(lat["panic"]), summary(lat["fallback"])
    out.update(latency_ms=lat, notify=n, panic=p, fallback=f,
               ratio_of_medians=n["median"] / p["median"],
               fallback_ratio_of_medians=f["median"] / p["median"])
    return [
        ("notify exit, event path (ms)", lat_row(n), "p95 <= 50 ms", n["p95"] <= 50),
        ("reference: panic path (ms)", lat_row(p), "", None),
        ("ratio of medians event/panic", f"{n['median'] / p['median']:.3f}", "<= 1.10",
         n["median"] / p["median"] <= 1.10),
        ("fallback: log path, Debian QEMU (ms)", lat_row(f), "", None),
        ("fallback: ratio of medians log/panic", f"{f['median'] / p['median']:.3f}", "", None),
    ]


def rows_scale(scale, out):
    sc, sp = scale["notify"], scale["panic"]
    s = summary(sc["latency_ms"]) if sc["latency_ms"] else None
    sps = summary(sp["latency_ms"]) if sp["latency_ms"] else None
    out.update(scale=sc, scale_summary=s, scale_panic=sp, scale_panic_summary=sps)
    return [
        (f"scale: {SCALE_ROUNDS} x {SCALE} notify, event path", f"{sc['attributed']} attributed, {len(sc['wrong'])} lost or mislabelled",
         "all attributed", scale_ok(sc)),
        (f"scale: {SCALE_ROUNDS} x {SCALE} panics (reference)", f"{sp['attributed']} attributed, {len(sp['wrong'])} lost or mislabelled",
         "all attributed", scale_ok(sp)),
        ("scale: p95 event / p95 panics (ms)",
         f"{s['p95']:.2f} / {sps['p95']:.2f} = {s['p95'] / sps['p95']:.3f}" if s and sps else "-",
         "<= 1.10", bool(s and sps) and s["p95"] <= 1.10 * sps["p95"]),
        ("scale: event path per round (ms)", per_round(sc), "", None),
        ("scale: panics per round (ms)", per_round(sp), "", None),
        ("scale: virtqemud RSS (KiB)", f"{sc['rss_before_kib']} before, {sc['rss_after_kib']} after (event path)", "", None),
    ]


def rows_fallback_scale(sf, out):
    sfs = summary(sf["latency_ms"]) if sf["latency_ms"] else None
    out.update(scale_fallback=sf, scale_fallback_summary=sfs)
    return [
        (f"scale fallback: {SCALE_ROUNDS} x {SCALE}, log path",
         f"{sf['attributed']} attributed, {len(sf['wrong'])} wrong, p95 {sfs['p95']:.2f} ms" if sfs else "-",
         "all attributed", scale_ok(sf)),
        ("scale fallback: per round (ms)", per_round(sf), "", None),
    ]


def rows_burst(bu, out):
    bl, bs, bi = (summary(bu["latency_ms"][k]) for k in ("events", "no-events", "idle"))
    out.update(burst=bu)
    return [
        (f"burst: {BURST} non-fatal exits",
         f"{bu['seconds']:.2f} s; domstats count {bu['count']}", f"count {BURST}", bu["count"] == BURST),
        ("burst: virtqemud CPU, RSS",
         f"{bu['cpu_ms']:.0f} ms CPU; RSS {bu['rss_before_kib']} -> {bu['rss_after_kib']} KiB", "", None),
        ("burst: other guest, events / no events",
         f"median {bl['median']:.2f} / {bs['median']:.2f} ms = {bl['median'] / bs['median']:.3f}", "<= 1.10",
         bl["median"] <= 1.10 * bs["median"]),
        ("burst: other guest, during / without",
         f"events {bl['median']:.2f} / {bi['median']:.2f} ms = {bl['median'] / bi['median']:.3f}; "
         f"no events {bs['median'] / bi['median']:.3f}", "", None),
    ]


def rows_cost(cost, out):
    cn, cp = statistics.median(cost["notify_ms"]), statistics.median(cost["plain_ms"])
    out.update(define_start_destroy_ms=cost, define_start_destroy_ratio=cn / cp)
    return [("define+start+destroy (ms, median)", f"with {cn:.1f}, without {cp:.1f}, ratio {cn / cp:.3f}",
             "<= 1.02", cn / cp <= 1.02)]


def rows_parse(parse, out):
    pn, pp = statistics.median(parse["new_us"]), statistics.median(parse["plain_us"])
    out.update(xml_parse_validate_format_us=parse, xml_parse_ratio=pn / pp)
    return [("XML parse+validate+format (us, median)", f"with {pn:.1f}, without {pp:.1f}, ratio {pn / pp:.3f}",
             "<= 1.02", pn / pp <= 1.02)]


def main():
    ap = argparse.ArgumentParser()
    for opt in ("uri", "virsh", "tools", "xmldir", "parsexml", "guestdir", "pidfile",
                "out", "parsebench"):
        ap.add_argument("--" + opt, required=True)
    ap.add_argument("--only", default="",
                    help="comma-separated sections to run (default: all): " + ", ".join(SECTIONS))
    a = ap.parse_args()
    only = [x for x in a.only.split(",") if x] or list(SECTIONS)
    unknown = [x for x in only if x not in SECTIONS]
    if unknown:
        sys.exit(f"bench: error: unknown section(s) {', '.join(unknown)} (known: {', '.join(SECTIONS)})")
    b = Bench(a)
    t0 = time.time()
    rows = []
    out = {"sections": only}
    try:
        # each section's measurement, then its rows (in the order of SECTIONS)
        steps = {"latency": (b.latency, rows_latency),
                 "scale": (lambda: b.scale(["notify", "panic"]), rows_scale),
                 "fallback-scale": (lambda: b.scale(["fallback"])["fallback"], rows_fallback_scale),
                 "burst": (b.burst, rows_burst),
                 "cost": (b.cost, rows_cost),
                 "parse": (b.parse, rows_parse)}
        for sec in SECTIONS:
            if sec in only:
                measure, tabulate = steps[sec]
                rows += tabulate(measure(), out)
    finally:
        b.close()

    print()
    print(f"{'measure':42} {'result':62} {'target':15} met")
    for name, res, target, ok in rows:
        met = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:42} {res:62} {target:15} {met}")
    if "scale" in only or "fallback-scale" in only:
        print("(per round: median/p95 in ms; '*': the round did not start on an idle host)")
    print(f"\nbench: {time.time() - t0:.0f} s of measurements")
    print(f"bench: the host was idle before {b.settles - b.unsettled} of {b.settles} measurements")

    out.update(settles=b.settles, unsettled=b.unsettled,
               targets_met={r[0]: r[3] for r in rows if r[3] is not None})
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    json.dump(out, open(a.out, "w"), indent=1)
    print(f"bench: results in {a.out}")


if __name__ == "__main__":
    main()
