# SPDX-License-Identifier: BSD-3-Clause
"""tickwire-sweep: RFC 2544 tests on one running tickwire (or memif pair).

Every trial is a phase of one run: the generator is paused between
trials, and a trial is

    /tickwire/rate,R   /tickwire/mark,NAME   (the receiver too: mark,NAME)
    /tickwire/resume   ... DURATION ...      /tickwire/pause
    ... until the receiver has everything still in flight (DRAIN) ...

Its figures are the phases named NAME, summed: the generator's messages
sent (tx) and the receiver's messages applied (rx), drops and gap
messages. Over memif the two processes each keep their own phases under
the same name; the receiver's phase runs from its mark to the next
trial's, so whatever was in flight at the pause is counted in its
trial. A message counted sent in one phase and received in the
previous one (the receiver's counters are read just after the
generator applied the change) is still in the same trial.

A trial passes when lost / tx <= max_loss (0: RFC 2544's zero loss),
the generator really offered the rate (tx within `shortfall` of
rate x duration: a path that pushes back makes the generator fall
behind rather than lose), and, with --p99-max-us, send->cache p99 is
under the bound.

Tests: throughput (binary search for the highest passing rate, to a
resolution), latency (10 % to 100 % of a rate), loss (the frame-loss
curve from the search bound down in 10 % steps until two trials in a
row pass), back-to-back (binary search for the longest burst sent back
to back, /tickwire/burst,N, that arrives whole), all (the four on one
run).
"""
import argparse
import datetime
import importlib.util
import io
import json
import os
import platform
import shlex
import shutil
import socket as socket_mod
import subprocess
import sys
import threading
import time

from . import report_file
from .client import (EXIT_FAILED, EXIT_NOT_WHOLE, EXIT_USAGE, EXIT_WHOLE,
                     Tickwire, TickwireError,
                     default_binary, read_log)

PROG = "tickwire-sweep"
CSV_COLUMNS = (
    "test", "trial", "name", "offered_rate", "duration_s", "tx_msgs",
    "rx_msgs", "tx_msgs_per_s", "rx_msgs_per_s", "lost_msgs", "loss_ratio",
    "drops", "gap_messages", "latency_count", "p50_ns", "p90_ns", "p99_ns",
    "p99_9_ns", "max_ns", "result", "burst_msgs", "orders_requested",
    "orders_matched")


# A trial's phase name: TAG, its number in the run, the rate.
TEST_TAG = {"throughput": "tp", "latency": "lat", "loss": "fl",
            "back-to-back": "b2b"}
KNEE_FACTOR = 10


class UsageError(Exception):
    """A bad argument: one line, exit 2."""


class SweepError(Exception):
    """The target failed: one line, exit 1."""


def find_profile(name):
    """A profile by name: as given, in the source tree, or installed."""
    if os.path.sep in name or os.path.exists(name):
        return name
    here = os.path.dirname(os.path.abspath(__file__))
    for d in (os.path.join(here, "..", "..", "drivers-config"),
              os.path.join(sys.prefix, "share", "tickwire"),
              "/usr/local/share/tickwire", "/usr/share/tickwire"):
        p = os.path.normpath(os.path.join(d, name))
        if os.path.exists(p):
            return p
    raise UsageError("no profile %s (give its path)" % name)


class Target:
    """One run of tickwire (loopback) or two (memif), paused between
    trials: gen is the telemetry that takes rate/pause/resume, rxs the
    receivers' (the same process over loopback)."""

    def __init__(self, opts):
        self.opts = opts
        self.runs = []
        self.gen = None
        self.rx = None

    def common_args(self):
        a = ["--duration", "0", "--quiet", "--accept-loss"]
        if self.opts.tx_retry_us is not None:
            a += ["--set", "generator.tx_retry_us=%d" % self.opts.tx_retry_us]
        for kv in self.opts.set:
            a += ["--set", kv]
        return a

    def start(self):
        o = self.opts
        base = o.prefix
        if o.target == "sockrx":
            self.start_sockrx()
        elif o.target == "handler":
            self.start_handler()
        elif o.target == "loopback":
            tw = Tickwire(profile=find_profile(o.profile or "loopback.ini"),
                          binary=o.tickwire, prefix=base, workdir=o.workdir,
                          keep=True, args=self.common_args())
            self.runs = [("loopback", tw)]
            tw.start(timeout=o.start_timeout)
            self.gen = self.rx = tw
        else:
            sock = o.memif_socket
            gen = self.generator(
                "memif-gen.ini",
                ["--vdev=net_memif0,role=server,socket=" + sock])
            rx = Tickwire(
                profile=find_profile(o.proc_profile or "memif-proc.ini"),
                binary=o.tickwire, prefix=base + "-proc",
                workdir=o.workdir, keep=True,
                eal=["--vdev=net_memif0,role=client,socket=" + sock],
                args=self.common_args())
            self.runs = [("generator", gen), ("processor", rx)]
            # The server waits for its client's link before it answers:
            # both start at once.
            th, err = start_in_background(gen, o.start_timeout)
            time.sleep(0.3)
            try:
                rx.start(timeout=o.start_timeout)
            except TickwireError as e:
                err.append(e)
            th.join(o.start_timeout + 30)
            if err:
                raise SweepError(str(err[0]).splitlines()[0])
            self.gen, self.rx = gen, rx
        self.gen.telemetry.pause()
        time.sleep(o.drain_s / 2)

    def generator(self, profile, eal, args=(), env=None):
        """The sweep's generator run (--gen-profile, else profile),
        paused between trials and never ending its session by count."""
        o = self.opts
        return Tickwire(
            profile=find_profile(o.gen_profile or profile),
            binary=o.tickwire, prefix=o.prefix + "-gen", workdir=o.workdir,
            keep=True, env=env, eal=eal,
            args=self.common_args() + ["--count", "0"] + list(args))

    def start_handler(self):
        """The generator alone, asking for an order every reply_every
        quotes; the feed handler is someone else's, already running or
        started beside the sweep (over memif: a client of
        --memif-socket), and reflects them. Its verdict is the orders."""
        o = self.opts
        eal = []
        if o.gen_profile is None:
            eal = ["--vdev=net_memif0,role=server,socket=" +
                   o.memif_socket]
        gen = self.generator(
            "memif-gen.ini", eal,
            ["--set", "generator.reply_every=%d" % o.reply_every])
        self.runs = [("generator", gen)]
        try:
            gen.start(timeout=o.start_timeout)
        except TickwireError as e:
            raise SweepError("the generator did not start (is the handler "
                             "there?): %s" % str(e).splitlines()[0])
        self.gen = gen
        self.rx = None

    def start_sockrx(self):
        """The generator on a tap of its own (tap.ini), and
        tickwire-sockrx on the tap's kernel side: the kernel path, read
        live through its --stats-interval lines."""
        o = self.opts
        iface = o.iface or "tws%d" % (os.getpid() % 1000000)
        env = dict(os.environ)
        # The names are this sweep's own: not tagged again.
        env.pop("TW_PREFIX", None)
        gen = self.generator("tap.ini", ["--vdev=net_tap0,iface=" + iface],
                             env=env)
        self.runs = [("generator", gen)]
        th, err = start_in_background(gen, o.start_timeout)
        deadline = time.monotonic() + o.start_timeout
        while not os.path.exists("/sys/class/net/" + iface):
            if err or time.monotonic() > deadline:
                th.join(5)
                raise SweepError(str(err[0]).splitlines()[0] if err else
                                 "no interface %s from the generator" %
                                 iface)
            time.sleep(0.1)
        ip(["addr", "replace", o.sockrx_addr, "dev", iface])
        self.rx = Sockrx(o, iface, env)
        self.rx.start()
        self.runs.append(("sockrx", self.rx))
        ip(["link", "set", iface, "up"])
        th.join(o.start_timeout + 30)
        if err:
            raise SweepError(str(err[0]).splitlines()[0])
        self.gen = gen

    def rx_mark(self, name):
        if self.rx is self.gen or self.rx is None:
            return
        if isinstance(self.rx, Sockrx):
            self.rx.mark(name)
        else:
            self.rx.telemetry.mark(name)

    def rx_trial(self, name, tx, t_pause):
        """The receiver's figures for trial name once it has what was in
        flight (or stops getting more, or drain_s passed)."""
        if isinstance(self.rx, Sockrx):
            return self.rx.trial(tx, t_pause, self.opts.drain_s)
        if self.rx is None:
            return self.orders_trial(name)
        r = self.rx.telemetry
        deadline = time.monotonic() + self.opts.drain_s
        last = -1
        while True:
            rxp = trial_phases(r, name)
            rx = sum(p["rx_msgs"] for p in rxp)
            if rx >= tx or time.monotonic() > deadline:
                break
            if rx == last:
                break
            last = rx
            time.sleep(0.1)
        lat = max(rxp, key=lambda p: p["latency_count"]) if rxp else {}
        return {"rx_msgs": rx,
                "drops": sum(p["drops"] for p in rxp),
                "gap_messages": sum(p["gap_messages"] for p in rxp),
                "latency_ns": {"count": lat.get("latency_count", 0),
                               "p50": lat.get("latency_p50_ns", 0),
                               "p99": lat.get("latency_p99_ns", 0),
                               "max": lat.get("latency_max_ns", 0)}}

    def orders_trial(self, name):
        """An external handler's trial: the orders it sent back for the
        phase's quotes, once each is matched or given up (or drain_s)."""
        g = self.gen.telemetry
        deadline = time.monotonic() + self.opts.drain_s
        while True:
            ph = trial_phases(g, name)
            req = sum(p["orders_requested"] for p in ph)
            done = sum(p["orders_matched"] + p["orders_lost"] for p in ph)
            if done >= req or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        matched = sum(p["orders_matched"] for p in ph)
        t2t = max(ph, key=lambda p: p["t2t_count"]) if ph else {}
        return {"rx_msgs": None, "orders_requested": req,
                "orders_matched": matched,
                "drops": 0, "gap_messages": 0,
                "latency_ns": {"count": t2t.get("t2t_count", 0),
                               "p50": t2t.get("t2t_p50_ns", 0),
                               "p99": t2t.get("t2t_p99_ns", 0),
                               "max": t2t.get("t2t_max_ns", 0)}}

    def argvs(self):
        return [{"role": r, "argv": tw.argv(), "prefix": tw.prefix,
                 "log": tw.log_path} for r, tw in self.runs]

    def stop(self):
        """Stop (generator first: the receiver ends with its session);
        [{role, status, verdict}]."""
        out = []
        for role, tw in self.runs:
            res = None
            try:
                if isinstance(tw, Sockrx):
                    out.append(tw.stop())
                    continue
                if tw is self.gen:
                    res = tw.stop(timeout=60)
                else:
                    res = tw.wait(timeout=60)
            except TickwireError as e:
                out.append({"role": role, "status": getattr(e, "status",
                                                            None),
                            "error": str(e).splitlines()[0]})
                continue
            stats = res.stats or {}
            out.append({"role": role, "status": res.status,
                        "verdict": stats.get("verdict", {}),
                        "phases": stats.get("phases", [])})
        return out

    def close(self):
        for _, tw in self.runs:
            tw.close()


def ip(args):
    """ip(8), or SweepError with its complaint."""
    try:
        r = subprocess.run(["ip"] + args, capture_output=True, text=True,
                           timeout=10)
    except (OSError, subprocess.SubprocessError) as e:
        raise SweepError("ip %s: %s" % (" ".join(args), e))
    if r.returncode != 0:
        raise SweepError("ip %s: %s" % (" ".join(args),
                                        r.stderr.strip()))


class Sockrx:
    """tickwire-sockrx on the tap's kernel side, followed through its
    --stats-interval lines (every 100 ms): a trial's figures are the
    lines' increases from its mark to the end of its drain (the
    generator is paused between trials, so nothing falls between)."""

    INTERVAL_MS = 100

    def __init__(self, opts, iface, env):
        self.opts = opts
        self.iface = iface
        self.env = env
        d = opts.workdir or "/tmp"
        self.lines_path = os.path.join(d, opts.prefix + "-sockrx.jsonl")
        self.stats_path = os.path.join(d, opts.prefix + "-sockrx.json")
        self.log_path = os.path.join(d, opts.prefix + "-sockrx.log")
        self.prefix = None          # no EAL: no DPDK file prefix
        self.proc = None
        self._log = None
        self._f = None
        self._buf = ""
        self.t_s = 0.0
        self.totals = {"rx_msgs": 0, "drops": 0}
        self.lat = []           # (t_s, count, p50, p99, max) a line
        self.mark_totals = dict(self.totals)
        self.mark_t = 0.0

    def argv(self):
        return [self.opts.sockrx, "--config",
                find_profile(self.opts.gen_profile or "tap.ini"),
                "--iface", self.iface, "--accept-loss",
                "--set", "run.stats_interval_ms=%d" % self.INTERVAL_MS,
                "--stats-interval", self.lines_path,
                "--stats-json", self.stats_path]

    def start(self):
        for p in (self.lines_path, self.stats_path):
            if os.path.exists(p):
                os.unlink(p)
        self._log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(
            self.argv(), stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + self.opts.start_timeout
        # Its groups are joined once it says so: then the feed may start.
        while "channels from" not in self.output():
            if self.proc.poll() is not None or \
                    time.monotonic() > deadline:
                raise SweepError("tickwire-sockrx did not start: %s" %
                                 (self.output().strip().splitlines() or
                                  ["no output"])[-1])
            time.sleep(0.05)

    def output(self):
        return read_log(self.log_path)

    def read(self):
        """Every complete line written since the last read."""
        if self._f is None:
            try:
                self._f = open(self.lines_path)
            except OSError:
                return
        self._buf += self._f.read()
        *done, self._buf = self._buf.split("\n")
        for line in done:
            if not line.strip():
                continue
            d = json.loads(line)
            self.t_s = d["t_s"]
            self.totals["rx_msgs"] += d["rx"]["messages"]
            self.totals["drops"] += sum(d["drops"].values())
            lat = d.get("latency_ns") or {}
            self.lat.append((d["t_s"], lat.get("count", 0),
                             lat.get("p50", 0), lat.get("p99", 0),
                             lat.get("max", 0)))

    def mark(self, name):
        self.read()
        self.mark_totals = dict(self.totals)
        self.mark_t = self.t_s

    def trial(self, tx, t_pause, drain_s):
        """Lines until everything sent is in, or two lines after the
        pause bring nothing more, or drain_s is over."""
        deadline = t_pause + drain_s
        quiet, last = 0, -1
        while True:
            time.sleep(self.INTERVAL_MS / 1000)
            before = self.t_s
            self.read()
            rx = self.totals["rx_msgs"] - self.mark_totals["rx_msgs"]
            if rx >= tx or time.monotonic() > deadline:
                break
            if self.t_s > before:
                quiet = quiet + 1 if rx == last else 0
                last = rx
                if quiet >= 2:
                    break
        lines = [x for x in self.lat if x[0] > self.mark_t and x[1]]
        return {"rx_msgs": rx,
                "drops": self.totals["drops"] - self.mark_totals["drops"],
                "gap_messages": 0,
                # The worst period's: periods are 100 ms, not the trial.
                "latency_ns": {
                    "count": sum(x[1] for x in lines),
                    "p50": max((x[2] for x in lines), default=0),
                    "p99": max((x[3] for x in lines), default=0),
                    "max": max((x[4] for x in lines), default=0)}}

    def stop(self):
        """After the generator: its end of session ends it."""
        status = None
        try:
            status = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            status = self.proc.wait(timeout=10)
        stats = {}
        try:
            with open(self.stats_path) as f:
                stats = json.load(f)
        except (OSError, ValueError):
            pass
        return {"role": "sockrx", "status": status,
                "verdict": stats.get("verdict", {}), "phases": []}

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._f is not None:
            self._f.close()
        if self._log is not None:
            self._log.close()


def start_in_background(tw, timeout):
    """tw.start() on a thread of its own (a generator waits for its
    link, which the caller brings up meanwhile): the thread, and a list
    that holds the start's error if it failed."""
    err = []

    def start():
        try:
            tw.start(timeout=timeout)
        except TickwireError as e:
            err.append(e)
    th = threading.Thread(target=start, daemon=True)
    th.start()
    return th, err


def trial_phases(tel, name):
    return [p for p in tel.phases() if p["name"] == name]


def time_left_for(opts, index, name, seconds):
    """SweepError when a trial of that many seconds would end past
    --time-limit."""
    if opts.deadline is not None and \
            time.monotonic() + seconds > opts.deadline:
        raise SweepError("--time-limit %g s: no time for trial %d (%s); "
                         "what was measured is written" %
                         (opts.time_limit, index, name))


def run_trial(target, opts, test, index, rate):
    """One trial at rate: its figures (telemetry's) and result."""
    name = "%s%d-%d" % (TEST_TAG[test], index, rate)
    time_left_for(opts, index, name, opts.duration + opts.drain_s)
    g = target.gen.telemetry
    g.rate(rate)
    g.mark(name)
    target.rx_mark(name)
    g.resume()
    t0 = time.monotonic()
    time.sleep(opts.duration)
    g.pause()
    t_pause = time.monotonic()
    elapsed = t_pause - t0
    tx = sum(p["tx_msgs"] for p in trial_phases(g, name))
    r = target.rx_trial(name, tx, t_pause)
    gp = trial_phases(g, name)
    tx = sum(p["tx_msgs"] for p in gp)
    sent_for = sum((p["end_ms"] - p["start_ms"]) / 1e3 for p in gp
                   if not p["paused"])
    rx = r["rx_msgs"]
    if rx is None:
        # An external handler: its orders are what came back.
        lost = r["orders_requested"] - r["orders_matched"]
        rx = r["orders_matched"]
        base = r["orders_requested"]
    else:
        lost = max(tx - rx, r["gap_messages"], 0)
        base = tx
    t = {
        "test": test, "trial": index, "name": name, "offered_rate": rate,
        "duration_s": round(sent_for or elapsed, 6),
        "tx_msgs": tx, "rx_msgs": rx,
        "tx_msgs_per_s": round(tx / sent_for) if sent_for else 0,
        "rx_msgs_per_s": round(rx / sent_for) if sent_for else 0,
        "lost_msgs": lost, "loss_ratio": lost / base if base else 0.0,
        "drops": r["drops"], "gap_messages": r["gap_messages"],
        "latency_ns": r["latency_ns"],
    }
    if "orders_requested" in r:
        t["orders_requested"] = r["orders_requested"]
        t["orders_matched"] = r["orders_matched"]
    t["result"] = judge(t, opts)
    return t


def run_burst(target, opts, index, n):
    """One back-to-back trial: from paused, n messages as fast as the
    generator sends, then paused again; whole when all arrive."""
    name = "%s%d-%d" % (TEST_TAG["back-to-back"], index, n)
    time_left_for(opts, index, name, opts.drain_s + 1)
    g = target.gen.telemetry
    g.mark(name)
    target.rx_mark(name)
    t0 = time.monotonic()
    g.burst(n)
    # Sent when the generator's phase holds all of it (or stops
    # growing: a port that refuses frames drops them, counted).
    last, tx = -1, 0
    while time.monotonic() - t0 < opts.burst_timeout:
        tx = sum(p["tx_msgs"] for p in trial_phases(g, name))
        if tx >= n or tx == last:
            break
        last = tx
        time.sleep(0.05)
    sent_for = time.monotonic() - t0
    r = target.rx_trial(name, tx, time.monotonic())
    rx = r["rx_msgs"]
    lost = max(n - rx, r["gap_messages"], 0)
    t = {
        "test": "back-to-back", "trial": index, "name": name,
        "offered_rate": 0, "burst_msgs": n,
        "duration_s": round(sent_for, 6), "tx_msgs": tx, "rx_msgs": rx,
        "tx_msgs_per_s": 0, "rx_msgs_per_s": 0,
        "lost_msgs": lost, "loss_ratio": lost / n,
        "drops": r["drops"], "gap_messages": r["gap_messages"],
        "latency_ns": r["latency_ns"],
    }
    t["result"] = "pass" if lost == 0 and tx >= n else (
        "short" if tx < n and rx >= tx else "loss")
    return t


def back_to_back(target, opts, trials):
    """Binary search for the longest burst that arrives whole."""
    def trial(size):
        t = run_burst(target, opts, len(trials), size)
        trials.append(t)
        say(opts, "back-to-back %s: a burst of %s messages: sent %s, "
            "received %s, in gaps %s: %s" % (
                t["name"], grouped(size), grouped(t["tx_msgs"]),
                grouped(t["rx_msgs"]), grouped(t["gap_messages"]),
                t["result"]))
        return t
    best, tried, lo, hi = search(opts.min_burst, opts.max_burst,
                                 opts.burst_resolution, opts.trials, trial)
    at_bound = best == opts.max_burst
    fail = lowest_failing(tried, best or 0)
    return {
        "burst": best or 0,
        "found": best is not None,
        "resolution": 0 if at_bound else hi - lo,
        "at_search_bound": at_bound,
        "shortest_failing": fail[0] if fail else None,
        "limited_by": fail[1]["result"] if fail else (
            "the search bound" if at_bound else None),
        "trials": len(tried),
    }


def search(lo, hi, resolution, max_trials, trial):
    """RFC 2544's binary search for the highest value whose trial passes:
    the first at hi, then halving the interval, until it is no wider
    than resolution or max_trials ran. trial(value) -> a trial dict.
    Returns (the highest passing value or None, [(value, trial)], and
    the interval (lo, hi) it ended with)."""
    best, tried, value = None, [], hi
    top = hi
    while len(tried) < max_trials:
        t = trial(value)
        tried.append((value, t))
        if t["result"] == "pass":
            best = lo = value
            if value == top:
                break
        else:
            hi = value
        if hi - lo <= resolution:
            break
        value = (lo + hi) // 2
    return best, tried, lo, hi


def lowest_failing(tried, above):
    """The lowest (value, trial) tried above `above` that failed."""
    failed = [vt for vt in tried if vt[0] > above]
    return min(failed, key=lambda vt: vt[0]) if failed else None


def judge(t, opts):
    """pass, loss, short (the rate was not offered) or p99."""
    rate = t["offered_rate"]
    if t["loss_ratio"] > opts.max_loss or (opts.max_loss == 0 and
                                           t["lost_msgs"] > 0):
        return "loss"
    if rate > 0 and t["tx_msgs_per_s"] < rate * (1 - opts.shortfall):
        return "short"
    if opts.p99_max_us is not None and \
            t["latency_ns"]["p99"] > opts.p99_max_us * 1000:
        return "p99"
    return "pass"


def say(opts, msg):
    if not opts.quiet:
        print("%s: %s" % (PROG, msg), file=sys.stderr, flush=True)


def describe(t):
    return ("%s %s: offered %s msgs/s, sent %s/s: %s messages, received "
            "%s, lost %s (%.4g %%), p99 %.1f us: %s" % (
                t["test"], t["name"], grouped(t["offered_rate"]),
                grouped(t["tx_msgs_per_s"]), grouped(t["tx_msgs"]),
                grouped(t["rx_msgs"]),
                grouped(t["lost_msgs"]), 100 * t["loss_ratio"],
                t["latency_ns"]["p99"] / 1e3, t["result"]))


def grouped(n):
    return "{:,}".format(int(n))


def throughput(target, opts, trials):
    """Binary search; the found rate and how it was bounded."""
    def trial(rate):
        t = run_trial(target, opts, "throughput", len(trials), rate)
        trials.append(t)
        say(opts, describe(t))
        return t
    best, tried, lo, hi = search(opts.min_rate, opts.max_rate,
                                 opts.resolution, opts.trials, trial)
    at_bound = best == opts.max_rate
    fail = lowest_failing(tried, best) if best is not None else None
    return {
        "rate": best or 0,
        "found": best is not None,
        "resolution": 0 if at_bound else hi - lo,
        "resolution_asked": opts.resolution,
        "resolution_reached": at_bound or hi - lo <= opts.resolution,
        "at_search_bound": at_bound,
        "lowest_failing_rate": fail[0] if fail else None,
        "limited_by": fail[1]["result"] if fail else
        ("the search bound" if at_bound else None),
        "trials": len(tried),
        "criterion": criterion(opts),
    }


def criterion(opts):
    handler = opts.target == "handler"
    if opts.max_loss == 0:
        c = "no order lost" if handler else "zero loss"
    else:
        c = "%s <= %g %%" % ("orders lost" if handler else "loss",
                             100 * opts.max_loss)
    c += ", the rate offered within %g %%" % (100 * opts.shortfall)
    if opts.p99_max_us is not None:
        c += ", %s p99 <= %g us" % ("tick to trade" if handler else
                                    "send->cache", opts.p99_max_us)
    return c


def latency_test(target, opts, trials, rate):
    pts = []
    for pct in range(10, 101, 10):
        r = max(1, rate * pct // 100)
        t = run_trial(target, opts, "latency", len(trials), r)
        t["percent"] = pct
        trials.append(t)
        pts.append(t)
        say(opts, describe(t))
    return {"rate": rate, "points": [t["name"] for t in pts]}


def knee(points):
    """Where queueing takes over: the lowest offered rate from which p99
    stays above KNEE_FACTOR times the lowest p99 of the rates below it;
    None if it never does."""
    pts = sorted((p for p in points if p["latency_ns"]["count"]),
                 key=lambda p: p["offered_rate"])
    for i in range(1, len(pts)):
        floor = min(p["latency_ns"]["p99"] for p in pts[:i])
        if all(p["latency_ns"]["p99"] > KNEE_FACTOR * floor
               for p in pts[i:]):
            p = pts[i]
            return {"rate": p["offered_rate"], "name": p["name"],
                    "p99_ns": p["latency_ns"]["p99"], "floor_p99_ns": floor,
                    "rule": "the lowest rate from which p99 stays above "
                    "%d x the lowest p99 below it" % KNEE_FACTOR}
    return None


def loss_test(target, opts, trials):
    clean = 0
    pts = []
    for pct in range(100, 0, -10):
        r = max(1, opts.max_rate * pct // 100)
        t = run_trial(target, opts, "loss", len(trials), r)
        t["percent"] = pct
        trials.append(t)
        pts.append(t)
        say(opts, describe(t))
        # RFC 2544 stops after two trials in a row without loss; a
        # short trial offered less than its rate, so it is not one.
        clean = clean + 1 if t["result"] == "pass" else 0
        if clean == 2:
            break
    return {"from_rate": opts.max_rate, "points": [t["name"] for t in pts]}


def enrich(trials, finals):
    """Full send->cache percentiles from the receiver's final JSON."""
    rx = finals[-1] if finals else {}
    by_name = {}
    for p in rx.get("phases", []):
        by_name.setdefault(p["name"], []).append(p)
    for t in trials:
        ph = by_name.get(t["name"])
        if not ph:
            continue
        best = max(ph, key=lambda p: p["latency_ns"].get("count", 0))
        lat = best["latency_ns"]
        t["latency_ns"] = {k: lat.get(k, 0) for k in (
            "count", "min", "p50", "p90", "p99", "p99_9", "p99_99", "max",
            "mean")}


def csv_text(trials):
    out = io.StringIO()
    out.write(",".join(CSV_COLUMNS) + "\n")
    for t in trials:
        lat = t["latency_ns"]
        row = [t["test"], t["trial"], t["name"], t["offered_rate"],
               "%.6f" % t["duration_s"], t["tx_msgs"], t["rx_msgs"],
               t["tx_msgs_per_s"], t["rx_msgs_per_s"], t["lost_msgs"],
               "%.9f" % t["loss_ratio"], t["drops"], t["gap_messages"],
               lat.get("count", 0), lat.get("p50", 0), lat.get("p90", ""),
               lat.get("p99", 0), lat.get("p99_9", ""), lat.get("max", 0),
               t["result"], t.get("burst_msgs", ""),
               t.get("orders_requested", ""), t.get("orders_matched", "")]
        out.write(",".join(str(v) for v in row) + "\n")
    return out.getvalue()


def run_record(opts, argv, target):
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "tool": PROG,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "host": socket_mod.gethostname(),
        "kernel": platform.release(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "python": platform.python_version(),
        "command": " ".join(shlex.quote(a) for a in [PROG] + argv),
        "tickwire": opts.tickwire,
        "tickwire_version": sh([opts.tickwire, "--", "--version"]),
        "target": opts.target,
        "runs": target.argvs(),
        "trial_duration_s": opts.duration,
        "drain_s": opts.drain_s,
        "criterion": criterion(opts),
        "search": {"min_rate": opts.min_rate, "max_rate": opts.max_rate,
                   "resolution": opts.resolution,
                   "max_trials": opts.trials},
        "tx_retry_us": opts.tx_retry_us,
    }


def parse_args(argv):
    class Parser(argparse.ArgumentParser):
        def error(self, message):
            raise UsageError("%s (--help for usage)" % message)

    ap = Parser(prog=PROG, description="RFC 2544 tests (throughput, "
                "latency, frame loss) on one running tickwire, each trial "
                "a phase. See tickwire-sweep(1).")
    ap.add_argument("test", choices=("throughput", "latency", "loss",
                                     "back-to-back", "all"),
                    help="throughput: binary search for the highest "
                    "passing rate; latency: 10-100 %% of --rate (or of "
                    "the throughput found first); loss: the frame-loss "
                    "curve from --max-rate down; back-to-back: the longest "
                    "burst that arrives whole; all: the four")
    ap.add_argument("--target", choices=("loopback", "memif", "sockrx",
                                         "handler"),
                    default="loopback",
                    help="loopback: one process over net_ring (default); "
                    "memif: memif-gen.ini and memif-proc.ini, two "
                    "processes; sockrx: the generator on net_tap "
                    "(tap.ini) and tickwire-sockrx on the kernel side "
                    "(root); handler: the generator alone (memif-gen.ini, "
                    "or --gen-profile), an order asked every "
                    "--reply-every quotes of an external feed handler "
                    "that reflects them")
    ap.add_argument("--reply-every", type=int, default=10,
                    help="handler: an order asked for every N quotes "
                    "(default 10)")
    ap.add_argument("--sockrx", default=None, metavar="PATH",
                    help="sockrx: the tickwire-sockrx binary (default: "
                    "beside --tickwire, then PATH)")
    ap.add_argument("--iface", default=None,
                    help="sockrx: the tap's name (default twsPID)")
    ap.add_argument("--sockrx-addr", default="198.51.100.2/24",
                    help="sockrx: the kernel side's address, in the feed "
                    "source's subnet (default 198.51.100.2/24)")
    ap.add_argument("--max-burst", type=int, default=1000000,
                    help="back-to-back: the longest burst tried, messages "
                    "(default 1000000)")
    ap.add_argument("--min-burst", type=int, default=0,
                    help="back-to-back: the search's lower bound")
    ap.add_argument("--burst-resolution", type=int, default=None,
                    help="back-to-back: stop when the longest whole burst "
                    "is known to this many messages (default: what "
                    "--trials reach)")
    ap.add_argument("--burst-timeout", type=float, default=30.0,
                    metavar="S", help="back-to-back: at most this long "
                    "for a burst to be sent (default 30)")
    ap.add_argument("--time-limit", type=float, default=None, metavar="S",
                    help="stop the whole sweep after this long: what was "
                    "measured is written, exit 1")
    ap.add_argument("--tickwire", default=None, metavar="PATH",
                    help="the binary (default: $TICKWIRE, the source "
                    "tree's build, then PATH)")
    ap.add_argument("--profile", help="loopback's profile "
                    "(default loopback.ini)")
    ap.add_argument("--gen-profile", help="memif generator's profile")
    ap.add_argument("--proc-profile", help="memif processor's profile")
    ap.add_argument("--set", action="append", default=[],
                    metavar="SEC.KEY=VALUE",
                    help="a profile key for every tickwire (repeatable)")
    ap.add_argument("--tx-retry-us", type=int, default=None,
                    help="generator.tx_retry_us: how long a refused frame "
                    "is retried (0: dropped at once, as on a wire); "
                    "default the profile's (100000: the path pushes back)")
    ap.add_argument("--duration", type=float, default=5.0, metavar="S",
                    help="seconds each trial sends (default 5)")
    ap.add_argument("--drain-s", type=float, default=1.0, metavar="S",
                    help="at most this long after a trial for what is in "
                    "flight (default 1)")
    ap.add_argument("--max-rate", type=int, default=16000000,
                    help="the search's upper bound and the loss curve's "
                    "100 %%, messages/s (default 16000000)")
    ap.add_argument("--min-rate", type=int, default=0,
                    help="the search's lower bound (default 0)")
    ap.add_argument("--resolution", type=int, default=None,
                    help="stop when the zero-loss rate is known to this "
                    "many messages/s (default: what --trials reach)")
    ap.add_argument("--trials", type=int, default=8,
                    help="at most this many throughput trials (default 8)")
    ap.add_argument("--rate", type=int, default=None,
                    help="latency: the 100 %% rate (default: search first)")
    ap.add_argument("--max-loss", type=float, default=0.0, metavar="RATIO",
                    help="a trial passes with this share lost (default 0: "
                    "RFC 2544's zero loss; 0.001 is a partial drop rate)")
    ap.add_argument("--shortfall", type=float, default=0.01,
                    metavar="RATIO", help="a trial fails when the generator "
                    "sent less than the rate by this share (default 0.01)")
    ap.add_argument("--p99-max-us", type=float, default=None,
                    help="a trial also fails when send->cache p99 is over "
                    "this")
    ap.add_argument("--json", metavar="FILE", help="the results as JSON "
                    "(- standard output)")
    ap.add_argument("--csv", metavar="FILE", help="a row per trial "
                    "(- standard output)")
    ap.add_argument("--report", metavar="FILE.md", help="a Markdown report; "
                    "its plots beside it: FILE-latency.png, FILE-loss.png")
    ap.add_argument("--prefix", default="tw-sweep%d" % os.getpid(),
                    help="DPDK file prefix (memif: PREFIX-gen, PREFIX-proc)")
    ap.add_argument("--memif-socket", default=None, metavar="PATH",
                    help="memif's socket (default /tmp/PREFIX-memif.sock)")
    ap.add_argument("--workdir", default=None, metavar="DIR",
                    help="keep tickwire's logs and stats JSON here")
    ap.add_argument("--start-timeout", type=float, default=60.0,
                    metavar="S", help="for a target to answer (default 60)")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="no line per trial on standard error")
    o = ap.parse_args(argv)
    if o.duration <= 0 or o.duration > 3600:
        raise UsageError("--duration: 0 to 3600 seconds, not %g"
                         % o.duration)
    if o.drain_s < 0.1 or o.drain_s > 60:
        raise UsageError("--drain-s: 0.1 to 60 seconds")
    if not 0 <= o.min_rate < o.max_rate <= 1000000000:
        raise UsageError("--min-rate < --max-rate, at most 1000000000")
    if o.trials < 1 or o.trials > 64:
        raise UsageError("--trials: 1 to 64")
    if not 0 <= o.max_loss < 1:
        raise UsageError("--max-loss: a share in [0, 1)")
    if not 0 <= o.shortfall < 1:
        raise UsageError("--shortfall: a share in [0, 1)")
    if o.p99_max_us is not None and o.p99_max_us <= 0:
        raise UsageError("--p99-max-us: more than 0")
    if o.rate is not None and o.rate < 1:
        raise UsageError("--rate: at least 1 message/s")
    if o.tx_retry_us is not None and not 0 <= o.tx_retry_us <= 10000000:
        raise UsageError("--tx-retry-us: 0 to 10000000")
    if not 1 <= o.reply_every <= 1000000:
        raise UsageError("--reply-every: 1 to 1000000")
    if o.time_limit is not None and not 1 <= o.time_limit <= 86400:
        raise UsageError("--time-limit: 1 to 86400 seconds")
    if o.iface is not None and not (0 < len(o.iface) < 16 and
                                    re_prefix(o.iface)):
        raise UsageError("--iface: 1 to 15 letters, digits, - and _")
    if not 0 <= o.min_burst < o.max_burst <= 1000000000:
        raise UsageError("--min-burst < --max-burst, at most 1000000000")
    if not 0.1 <= o.burst_timeout <= 3600:
        raise UsageError("--burst-timeout: 0.1 to 3600 seconds")
    if o.burst_resolution is None:
        o.burst_resolution = max(1, (o.max_burst - o.min_burst) >>
                                 max(0, o.trials - 1))
    elif o.burst_resolution < 1:
        raise UsageError("--burst-resolution: at least 1 message")
    if o.resolution is None:
        o.resolution = max(1, (o.max_rate - o.min_rate) >>
                           max(0, o.trials - 1))
    elif o.resolution < 1:
        raise UsageError("--resolution: at least 1 message/s")
    if o.report and not o.report.endswith(".md"):
        raise UsageError("--report: a FILE.md (its plots go beside it)")
    for kv in o.set:
        if "=" not in kv or "." not in kv.split("=", 1)[0]:
            raise UsageError("--set %s: give SEC.KEY=VALUE" % kv)
    if not re_prefix(o.prefix):
        raise UsageError("--prefix: letters, digits, - and _")
    o.tickwire = o.tickwire or default_binary()
    if o.target == "sockrx":
        o.sockrx = o.sockrx or sockrx_binary(o.tickwire)
    if o.memif_socket is None:
        o.memif_socket = "/tmp/%s-memif.sock" % o.prefix
    if o.workdir is not None and not os.path.isdir(o.workdir):
        raise UsageError("--workdir %s: no such directory" % o.workdir)
    if o.profile:
        o.profile = find_profile(o.profile)
    if o.gen_profile:
        o.gen_profile = find_profile(o.gen_profile)
    if o.proc_profile:
        o.proc_profile = find_profile(o.proc_profile)
    return o


def sockrx_binary(tickwire):
    """tickwire-sockrx beside tickwire (the build tree's or installed),
    else on PATH."""
    here = os.path.dirname(os.path.abspath(tickwire))
    for p in (os.path.join(here, "..", "tickwire-sockrx", "tickwire-sockrx"),
              os.path.join(here, "tickwire-sockrx")):
        if os.access(p, os.X_OK):
            return os.path.normpath(p)
    return shutil.which("tickwire-sockrx") or "tickwire-sockrx"


def re_prefix(s):
    return bool(s) and all(c.isalnum() or c in "-_" for c in s)


def plot_paths(report):
    stem = report[:-3]
    return stem + "-latency.png", stem + "-loss.png"


def outputs(opts):
    """Every file this run writes, checked before any work."""
    paths = [p for p in (opts.json, opts.csv, opts.report) if p]
    if opts.report:
        paths += plot_paths(opts.report)
    if opts.json == "-" and opts.csv == "-":
        raise UsageError("only one of --json and --csv can be -")
    if opts.report == "-":
        raise UsageError("--report: a file (its plots go beside it)")
    return paths


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        opts = parse_args(argv)
        paths = outputs(opts)
        for p in paths:
            report_file.check(p)
    except UsageError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return EXIT_USAGE
    except report_file.ReportError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return EXIT_FAILED
    if not os.access(opts.tickwire, os.X_OK):
        print("%s: %s: no tickwire binary there (--tickwire)" %
              (PROG, opts.tickwire), file=sys.stderr)
        return EXIT_FAILED
    if opts.target == "sockrx":
        if shutil.which(opts.sockrx) is None and \
                not os.access(opts.sockrx, os.X_OK):
            print("%s: %s: no tickwire-sockrx binary there (--sockrx)" %
                  (PROG, opts.sockrx), file=sys.stderr)
            return EXIT_FAILED
        if os.geteuid() != 0:
            print("%s: --target sockrx: net_tap and the tap's address "
                  "need root" % PROG, file=sys.stderr)
            return EXIT_FAILED
    if opts.report:
        # Plots need matplotlib; say so before any trial.
        if importlib.util.find_spec("matplotlib") is None:
            print("%s: --report needs matplotlib (Debian: "
                  "python3-matplotlib)" % PROG, file=sys.stderr)
            return EXIT_FAILED
    return run(opts, argv)


def run(opts, argv):
    target = Target(opts)
    trials = []
    results = {}
    error = None
    t_start = time.monotonic()
    opts.deadline = None if opts.time_limit is None else \
        t_start + opts.time_limit
    try:
        say(opts, "starting %s (prefix %s)" % (opts.target, opts.prefix))
        target.start()
        if opts.test in ("throughput", "all") or (
                opts.test == "latency" and opts.rate is None):
            results["throughput"] = throughput(target, opts, trials)
            tp = results["throughput"]
            say(opts, "throughput: %s msgs/s (%s, resolution %s msgs/s, "
                "%d trials)" % (grouped(tp["rate"]), tp["criterion"],
                                grouped(tp["resolution"]), tp["trials"]))
        if opts.test in ("latency", "all"):
            rate = opts.rate or results["throughput"]["rate"]
            if rate > 0:
                results["latency"] = latency_test(target, opts, trials,
                                                  rate)
        if opts.test in ("loss", "all"):
            results["loss"] = loss_test(target, opts, trials)
        if opts.test in ("back-to-back", "all"):
            results["back_to_back"] = back_to_back(target, opts, trials)
            bb = results["back_to_back"]
            say(opts, "back-to-back: %s messages (resolution %s, %d "
                "trials)" % (grouped(bb["burst"]), grouped(bb["resolution"]),
                             bb["trials"]))
    except (TickwireError, SweepError, OSError) as e:
        error = str(e).splitlines()[0] if str(e) else repr(e)
    record = run_record(opts, argv, target)
    finals = []
    try:
        ends = target.stop() if target.runs else []
    except TickwireError as e:
        ends = []
        error = error or str(e).splitlines()[0]
    finally:
        target.close()
    for e in ends:
        finals.append({"phases": e.pop("phases", [])})
    if opts.target != "handler":
        # The handler's figures are the generator's tick to trade.
        enrich(trials, finals)
    if "latency" in results:
        pts = [t for t in trials if t["test"] == "latency"]
        results["latency"]["knee"] = knee(pts)
    record["elapsed_s"] = round(time.monotonic() - t_start, 1)
    record["ends"] = ends
    doc = {"record": record, "results": results, "trials": trials,
           "csv_columns": list(CSV_COLUMNS)}
    if error:
        doc["error"] = error
    status = verdict(doc, error)
    doc["status"] = status
    try:
        write_outputs(opts, doc)
    except report_file.ReportError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return EXIT_FAILED
    if error:
        print("%s: %s" % (PROG, error), file=sys.stderr)
    return status


def verdict(doc, error):
    if error:
        return EXIT_FAILED
    for e in doc["record"]["ends"]:
        if e.get("status") not in (EXIT_WHOLE, EXIT_NOT_WHOLE):
            return EXIT_FAILED
    tp = doc["results"].get("throughput")
    if tp is not None and (not tp["found"] or not tp["resolution_reached"]):
        return EXIT_NOT_WHOLE
    bb = doc["results"].get("back_to_back")
    if bb is not None and not bb["found"]:
        return EXIT_NOT_WHOLE
    return EXIT_WHOLE


def write_outputs(opts, doc):
    if opts.json:
        report_file.write(opts.json, (json.dumps(doc, indent=1) +
                                      "\n").encode())
    if opts.csv:
        report_file.write(opts.csv, csv_text(doc["trials"]).encode())
    if opts.report:
        from . import sweep_report
        lat_png, loss_png = plot_paths(opts.report)
        report_file.write(lat_png, sweep_report.latency_png(doc))
        report_file.write(loss_png, sweep_report.loss_png(doc))
        report_file.write(opts.report, sweep_report.markdown(
            doc, os.path.basename(lat_png),
            os.path.basename(loss_png)).encode())
    if not opts.json or opts.json != "-":
        tp = doc["results"].get("throughput")
        if tp is not None and not tp["found"] and opts.csv != "-":
            print("throughput: no rate passed (%s; %d trials of %g s)" % (
                tp["criterion"], tp["trials"], opts.duration))
        elif tp is not None and (opts.csv != "-"):
            print("throughput: %s msgs/s, resolution %s msgs/s (%s; %d "
                  "trials of %g s; %s)" % (
                      grouped(tp["rate"]), grouped(tp["resolution"]),
                      tp["criterion"], tp["trials"],
                      opts.duration, "the search bound" if
                      tp["at_search_bound"] else "next failing rate %s: %s"
                      % (grouped(tp["lowest_failing_rate"] or 0),
                         tp["limited_by"])))
        bb = doc["results"].get("back_to_back")
        if bb is not None and opts.csv != "-":
            print("back-to-back: %s messages in one burst, resolution %s "
                  "(%d trials; %s)" % (
                      grouped(bb["burst"]), grouped(bb["resolution"]),
                      bb["trials"], "the search bound" if
                      bb["at_search_bound"] else "next failing burst %s: %s"
                      % (grouped(bb["shortest_failing"] or 0),
                         bb["limited_by"])))
