# SPDX-License-Identifier: BSD-3-Clause
"""Control through telemetry on a running loopback tickwire, and phases."""
import filecmp
import os
import time

import pytest

from tickwire import CommandError, Tickwire

RATES = (300000, 150000, 250000)


def loopback(tw_bin, out_dir, *extra):
    return Tickwire(binary=tw_bin, workdir=out_dir, args=[
        "--rate", "200000", "--duration", "0", "--quiet"] + list(extra))


def test_three_rate_changes_make_three_phases_at_their_rates(tw_bin,
                                                             out_dir):
    cache = os.path.join(out_dir, "cache.csv")
    truth = os.path.join(out_dir, "truth.csv")
    lines = os.path.join(out_dir, "lines.jsonl")
    with loopback(tw_bin, out_dir, "--dump-cache", cache, "--dump-truth",
                  truth, "--stats-interval", lines) as tw:
        t = tw.telemetry
        time.sleep(0.5)
        for r in RATES:
            ans = t.rate(r)
            assert ans["rate"] == r and ans["phase_name"] == "rate=%d" % r
            time.sleep(2.0)
        t.mark("after")
        live = t.phases()
        res = tw.stop()
    assert res.status == 0, res.output[-2000:]
    phases = res.phases(opened_by="rate")
    assert [p["offered_rate"] for p in phases] == list(RATES)
    for p, r in zip(phases, RATES):
        for key in ("tx_msgs_per_s", "rx_msgs_per_s"):
            got = p["rates"][key]
            assert abs(got - r) / r < 0.01, (p["name"], key, got)
        assert p["latency_ns"]["count"] > 0
        assert p["latency_ns"]["p50"] <= p["latency_ns"]["p99"]
        assert p["drops_total"] == 0 and p["gap_messages"] == 0
    # The phases tile the run: each starts where the last ended.
    all_ph = res.stats["phases"]
    assert [p["index"] for p in all_ph] == list(range(len(all_ph)))
    for a, b in zip(all_ph, all_ph[1:]):
        assert a["end_s"] == b["start_s"]
    # And their counters sum to the run's.
    assert sum(p["rx"]["messages"] for p in all_ph) <= \
        res.stats["rx"]["messages"]
    assert [p["name"] for p in live][:5] == ["start"] + [
        "rate=%d" % r for r in RATES] + ["after"]
    log = res.stats["control"]["log"]
    assert [e["command"] for e in log] == ["rate"] * 3 + ["mark", "stop"]
    assert res.stats["control"]["refused"] == 0
    assert res.stats["verdict"]["stopped_by"] == "/tickwire/stop"
    with open(lines) as f:
        seen = {__import__("json").loads(l).get("phase") for l in f}
    assert {"rate=%d" % r for r in RATES} <= seen
    assert filecmp.cmp(cache, truth, shallow=False), "cache != truth"


def test_bad_parameters_answer_an_error_and_change_nothing(tw_bin,
                                                           out_dir):
    with loopback(tw_bin, out_dir) as tw:
        t = tw.telemetry
        before = t.control()
        for cmd, param in (("/tickwire/rate", "fast"),
                           ("/tickwire/rate", "-1"),
                           ("/tickwire/rate", "1000000001"),
                           ("/tickwire/rate", None),
                           ("/tickwire/mark", None),
                           ("/tickwire/mark", "two words"),
                           ("/tickwire/mark", "x" * 60),
                           ("/tickwire/pause", "now"),
                           ("/tickwire/resume", None),
                           ("/tickwire/faults", "loss=2"),
                           ("/tickwire/faults", "loss=x"),
                           ("/tickwire/faults", "corrupt=0.1"),
                           ("/tickwire/faults", "line=b"),
                           ("/tickwire/stop", "please")):
            with pytest.raises(CommandError) as e:
                t.query(cmd, param)
            assert e.value.reason
        after = t.control()
        assert after["rate"] == before["rate"] == 200000
        assert after["epoch"] == before["epoch"]
        assert after["phase"] == before["phase"] == 0
        assert after["refused"] == 14 and after["commands"] == 14
        assert after["state"] == "running"
        res = tw.stop()
    assert res.status == 0
    assert res.stats["control"]["refused"] == 14
    assert len(res.stats["phases"]) == 1


def test_pause_sends_nothing_and_resume_goes_on(tw_bin, out_dir):
    with loopback(tw_bin, out_dir) as tw:
        t = tw.telemetry
        time.sleep(0.3)
        t.pause()
        time.sleep(0.5)
        t.resume()
        time.sleep(0.5)
        res = tw.stop()
    assert res.status == 0
    paused = [p for p in res.stats["phases"] if p["paused"]]
    assert len(paused) == 1
    assert paused[0]["generator"]["ticks"] == 0
    resumed = res.phases(opened_by="resume")[0]
    assert abs(resumed["rates"]["tx_msgs_per_s"] - 200000) < 200000 * 0.02


def test_commands_after_the_end_answer_an_error(tw_bin, out_dir):
    with loopback(tw_bin, out_dir, "--count", "20000",
                  "--set", "run.linger_s=5") as tw:
        t = tw.telemetry
        deadline = time.monotonic() + 20
        while t.control()["state"] != "ending":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        for cmd in (lambda: t.rate(1000), t.pause, lambda: t.mark("late"),
                    t.stop):
            with pytest.raises(CommandError) as e:
                cmd()
            assert "ending" in e.value.reason
        res = tw.wait(30)
    assert res.status == 0
    assert res.stats["control"]["refused"] == 4


def test_two_clients_at_once_each_get_an_answer_and_the_log_adds_up(
        tw_bin, out_dir):
    """Two scripts change the rate of one run at the same time: every
    command is answered (applied or refused, never lost or mixed up),
    and the run's log and phases hold exactly the applied ones."""
    import threading
    from tickwire import Telemetry
    n = 30
    answers = {0: [], 1: []}
    with loopback(tw_bin, out_dir) as tw:

        def client(k):
            with Telemetry(path=tw.telemetry.path) as t:
                for i in range(n):
                    rate = 100000 + 1000 * (2 * i + k)
                    try:
                        ans = t.rate(rate)
                        answers[k].append(("ok", rate, ans["rate"]))
                    except CommandError as e:
                        answers[k].append(("error", rate, e.reason))
        ths = [threading.Thread(target=client, args=(k,)) for k in (0, 1)]
        for th in ths:
            th.start()
        for th in ths:
            th.join(60)
        final = tw.telemetry.control()
        res = tw.stop()
    assert res.status == 0, res.output[-2000:]
    assert len(answers[0]) == len(answers[1]) == n
    applied = [a for k in (0, 1) for a in answers[k] if a[0] == "ok"]
    # Each applied command answered with its own rate.
    assert all(a[1] == a[2] for a in applied)
    log = [e for e in res.stats["control"]["log"] if e["command"] == "rate"]
    assert len(log) == 2 * n
    assert sum(1 for e in log if not e.get("error")) == len(applied)
    assert len(res.phases(opened_by="rate")) == len(applied)
    assert final["rate"] in {a[1] for a in applied}


def test_a_client_that_hangs_up_mid_command_changes_nothing_else(
        tw_bin, out_dir):
    """A command sent on a socket closed before its answer is read: the
    command is applied once (or not at all), tickwire goes on, and the
    next client is answered."""
    import socket
    with loopback(tw_bin, out_dir) as tw:
        path = tw.telemetry.path
        for i in range(5):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            s.connect(path)
            s.recv(4096)
            s.send(("/tickwire/mark,gone%d" % i).encode())
            s.close()
        time.sleep(0.5)
        st = tw.telemetry.control()
        assert st["state"] == "running"
        names = [p["name"] for p in tw.telemetry.phases()]
        res = tw.stop()
    assert res.status == 0, res.output[-2000:]
    marks = [e["params"] for e in res.stats["control"]["log"]
             if e["command"] == "mark"]
    # Each at most once, in order; and the run went on to its stop.
    assert marks == sorted(set(marks), key=marks.index)
    assert set(marks) <= {"gone%d" % i for i in range(5)}
    assert [n for n in names if n.startswith("gone")] == marks
    assert res.stats["verdict"]["stopped_by"] == "/tickwire/stop"


def test_a_rate_above_what_the_port_takes_is_offered_not_lost(tw_bin,
                                                              out_dir):
    """The most a rate may be, far above what net_ring and this host
    take: the generator sends what it can (late, counted), the receiver
    gets every message, and the phase says the rate was not reached."""
    cache = os.path.join(out_dir, "cache.csv")
    truth = os.path.join(out_dir, "truth.csv")
    with loopback(tw_bin, out_dir, "--dump-cache", cache, "--dump-truth",
                  truth) as tw:
        t = tw.telemetry
        ans = t.rate(1000000000)
        assert ans["rate"] == 1000000000
        time.sleep(1.5)
        t.rate(200000)
        time.sleep(0.5)
        res = tw.stop()
    assert res.status == 0, res.output[-2000:]
    fast = [p for p in res.phases(opened_by="rate")
            if p["offered_rate"] == 1000000000][0]
    assert fast["rates"]["tx_msgs_per_s"] < 1000000000 / 10
    assert fast["generator"]["late_ticks"] > 0
    assert res.stats["drops_total"] == 0 and res.stats["gap_messages"] == 0
    assert filecmp.cmp(cache, truth, shallow=False), "cache != truth"
