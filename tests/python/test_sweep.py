# SPDX-License-Identifier: BSD-3-Clause
"""tickwire-sweep: a short throughput search over loopback and memif,
its report's structure, and a found rate the trials agree with."""
import csv
import json
import os
import subprocess
import sys

import pytest

SWEEP = os.path.join(os.environ.get("TW_SRC", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")),
    "tools", "tickwire-sweep")
PNG = b"\x89PNG\r\n\x1a\n"


def sweep(tw_bin, *args, timeout=150):
    return subprocess.run(
        [sys.executable, SWEEP, "--tickwire", tw_bin] + list(args),
        capture_output=True, text=True, timeout=timeout)


def consistent(doc):
    """Every throughput trial at or below the found rate passed; the
    lowest one above it failed, or the found rate is the search bound."""
    tp = doc["results"]["throughput"]
    trials = [t for t in doc["trials"] if t["test"] == "throughput"]
    assert tp["trials"] == len(trials)
    found = tp["rate"]
    assert tp["found"] and found > 0
    for t in trials:
        if t["offered_rate"] <= found:
            assert t["result"] == "pass", t
            assert t["lost_msgs"] == 0 and t["tx_msgs"] == t["rx_msgs"], t
    above = [t for t in trials if t["offered_rate"] > found]
    if tp["at_search_bound"]:
        assert found == doc["record"]["search"]["max_rate"]
        assert tp["resolution"] == 0
    else:
        low = min(above, key=lambda t: t["offered_rate"])
        assert low["result"] != "pass"
        assert tp["lowest_failing_rate"] == low["offered_rate"]
        assert tp["limited_by"] == low["result"]
        assert tp["resolution"] == low["offered_rate"] - found
    for t in above:
        assert t["result"] != "pass", t


def check_outputs(out, doc_path, csv_path, md_path):
    with open(doc_path) as f:
        doc = json.load(f)
    rec = doc["record"]
    for key in ("date", "host", "kernel", "cpu", "command", "tickwire",
                "target", "runs", "criterion", "trial_duration_s",
                "search", "ends"):
        assert key in rec, key
    assert doc["status"] == 0
    assert all(e["status"] == 0 for e in rec["ends"]), rec["ends"]
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0].keys()) == doc["csv_columns"]
    assert [r["name"] for r in rows] == [t["name"] for t in doc["trials"]]
    for r, t in zip(rows, doc["trials"]):
        assert int(r["tx_msgs"]) == t["tx_msgs"]
        assert int(r["rx_msgs"]) == t["rx_msgs"]
        assert r["result"] == t["result"]
    with open(md_path) as f:
        md = f.read()
    assert md.index("## Run record") < md.index("## Results") < \
        md.index("## Trials")
    assert "**Throughput: {:,} msgs/s**".format(
        doc["results"]["throughput"]["rate"]) in md
    for png in ("report-latency.png", "report-loss.png"):
        assert "](%s)" % png in md
        with open(os.path.join(out, png), "rb") as f:
            assert f.read(8) == PNG
    return doc


@pytest.mark.parametrize("target,max_rate", [("loopback", 4000000),
                                             ("memif", 16000000),
                                             ("sockrx", 8000000)])
def test_throughput_search_finds_a_rate_its_trials_agree_with(
        tw_bin, out_dir, target, max_rate):
    paths = [os.path.join(out_dir, n) for n in ("sweep.json", "sweep.csv",
                                                "report.md")]
    r = sweep(tw_bin, "throughput", "--target", target, "--duration", "1",
              "--drain-s", "0.5", "--trials", "4", "--max-rate",
              str(max_rate), "--json", paths[0], "--csv", paths[1],
              "--report", paths[2], "--prefix", "twsw%d%s" % (
                  os.getpid() % 100000, target[0]),
              "--workdir", out_dir)
    assert r.returncode in (0, 3), r.stderr[-3000:]
    doc = check_outputs(out_dir, *paths) if r.returncode == 0 else None
    if doc is None:
        # Trials ran out before the resolution: still consistent.
        with open(paths[0]) as f:
            doc = json.load(f)
        assert not doc["results"]["throughput"]["resolution_reached"]
    consistent(doc)
    assert "throughput: {:,} msgs/s".format(
        doc["results"]["throughput"]["rate"]) in r.stdout
    # Each trial was a phase of the one run (of each process).
    names = [t["name"] for t in doc["trials"]]
    assert len(set(names)) == len(names) == doc["results"]["throughput"][
        "trials"]
    assert len(doc["record"]["runs"]) == (1 if target == "loopback" else 2)
    if target == "sockrx":
        # The kernel receiver ran and ended whole with the generator.
        roles = {e["role"]: e for e in doc["record"]["ends"]}
        assert roles["sockrx"]["status"] == 0, roles
        assert roles["sockrx"]["verdict"]["whole"], roles


@pytest.mark.parametrize("target,extra", [
    ("loopback", ["--max-burst", "300000"]),
    ("memif", ["--max-burst", "4000000", "--tx-retry-us", "0",
               "--set", "recovery.rerequest=false"])])
def test_back_to_back_finds_the_longest_whole_burst(tw_bin, out_dir, target,
                                                    extra):
    js = os.path.join(out_dir, "b2b.json")
    cs = os.path.join(out_dir, "b2b.csv")
    r = sweep(tw_bin, "back-to-back", "--target", target, "--trials", "4",
              "--drain-s", "0.5", "--json", js, "--csv", cs,
              "--prefix", "twswb%d%s" % (os.getpid() % 100000, target[0]),
              *extra)
    assert r.returncode in (0, 3), r.stderr[-3000:]
    with open(js) as f:
        doc = json.load(f)
    bb = doc["results"]["back_to_back"]
    trials = [t for t in doc["trials"] if t["test"] == "back-to-back"]
    assert bb["trials"] == len(trials) >= 1
    for t in trials:
        assert t["burst_msgs"] > 0 and t["offered_rate"] == 0
        if t["result"] == "pass":
            # Sent and received whole, nothing in a gap.
            assert t["tx_msgs"] == t["rx_msgs"] == t["burst_msgs"], t
            assert t["gap_messages"] == 0 and t["lost_msgs"] == 0, t
            assert t["burst_msgs"] <= bb["burst"]
        else:
            assert t["burst_msgs"] > bb["burst"], t
    if target == "loopback":
        # net_ring pushes back: nothing is lost, the bound passes.
        assert r.returncode == 0 and bb["found"] and bb["at_search_bound"]
        assert bb["burst"] == 300000
        assert "back-to-back: 300,000 messages" in r.stdout
    elif bb["found"] and not bb["at_search_bound"]:
        assert bb["shortest_failing"] == min(
            t["burst_msgs"] for t in trials if t["result"] != "pass")
    with open(cs, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(x["burst_msgs"]) for x in rows] == [
        t["burst_msgs"] for t in trials]


def test_an_external_handler_is_swept_by_its_orders(tw_bin, out_dir):
    """A feed handler the sweep did not start (here a tickwire processor
    reflecting orders over memif): every trial's figures are the orders
    it sent back and their tick to trade."""
    from tickwire.client import Tickwire
    sock = os.path.join(out_dir, "handler.sock")
    js = os.path.join(out_dir, "handler.json")
    handler = Tickwire(
        profile=os.path.join(os.environ.get("TW_SRC", "."),
                             "drivers-config", "memif-proc.ini"),
        binary=tw_bin, prefix="twswh%d" % (os.getpid() % 100000),
        eal=["--vdev=net_memif0,role=client,socket=" + sock],
        args=["--set", "rx.reflect=true", "--quiet",
              "--set", "port.link_wait_s=60"])
    proc = subprocess.Popen(
        [sys.executable, SWEEP, "--tickwire", tw_bin, "throughput",
         "--target", "handler", "--memif-socket", sock, "--reply-every",
         "50", "--max-rate", "200000", "--trials", "2", "--duration", "1",
         "--drain-s", "0.5", "--json", js, "--prefix",
         "twswg%d" % (os.getpid() % 100000)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        handler.start(timeout=60)
        out, err = proc.communicate(timeout=150)
        res = handler.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        handler.close()
    assert proc.returncode == 0, err[-3000:]
    with open(js) as f:
        doc = json.load(f)
    assert doc["record"]["criterion"].startswith("no order lost")
    assert len(doc["record"]["runs"]) == 1
    for t in doc["trials"]:
        assert t["orders_requested"] > 0
        assert t["rx_msgs"] == t["orders_matched"]
        assert t["lost_msgs"] == t["orders_requested"] - t["orders_matched"]
        if t["result"] == "pass":
            assert t["lost_msgs"] == 0 and t["latency_ns"]["count"] > 0
    assert doc["results"]["throughput"]["found"]
    # The handler saw the generator's end of session: whole.
    assert res.status == 0


def test_a_sweep_over_its_time_limit_stops_and_writes_what_it_measured(
        tw_bin, out_dir):
    js = os.path.join(out_dir, "limit.json")
    # A bound no trial reaches: the search goes on until the limit.
    r = sweep(tw_bin, "throughput", "--time-limit", "4", "--duration", "2",
              "--drain-s", "0.5", "--trials", "8", "--max-rate",
              "1000000000",
              "--json", js, "--prefix", "twswt%d" % (os.getpid() % 100000))
    assert r.returncode == 1, r.stderr[-3000:]
    assert "--time-limit 4 s" in r.stderr.strip().splitlines()[-1]
    with open(js) as f:
        doc = json.load(f)
    assert "--time-limit" in doc["error"]
    assert doc["status"] == 1
    # At most what fits in the limit: a trial of 2 s + 0.5 s, once.
    assert len(doc["trials"]) <= 1
    assert doc["record"]["elapsed_s"] < 30


def test_latency_at_a_given_rate_has_ten_points_and_a_plot(tw_bin,
                                                            out_dir):
    js = os.path.join(out_dir, "lat.json")
    md = os.path.join(out_dir, "lat.md")
    r = sweep(tw_bin, "latency", "--rate", "1000000", "--duration", "0.5",
              "--drain-s", "0.3", "--json", js, "--report", md,
              "--prefix", "twswl%d" % (os.getpid() % 100000))
    assert r.returncode == 0, r.stderr[-3000:]
    with open(js) as f:
        doc = json.load(f)
    pts = [t for t in doc["trials"] if t["test"] == "latency"]
    assert [t["offered_rate"] for t in pts] == [
        100000 * k for k in range(1, 11)]
    assert all(t["latency_ns"]["count"] > 0 for t in pts)
    assert "throughput" not in doc["results"]
    with open(os.path.join(out_dir, "lat-latency.png"), "rb") as f:
        assert f.read(8) == PNG


@pytest.mark.parametrize("args,why", [
    (["thruput"], "invalid choice"),
    (["throughput", "--duration", "0"], "--duration"),
    (["throughput", "--max-rate", "10", "--min-rate", "20"], "--min-rate"),
    (["throughput", "--max-loss", "1"], "--max-loss"),
    (["throughput", "--report", "x.txt"], "--report"),
    (["throughput", "--set", "rate"], "--set"),
    (["throughput", "--json", "-", "--csv", "-"], "only one"),
    (["throughput", "--time-limit", "0"], "--time-limit"),
    (["back-to-back", "--max-burst", "5", "--min-burst", "9"],
     "--min-burst"),
    (["throughput", "--target", "sockrx", "--iface", "a/b"], "--iface"),
])
def test_bad_arguments_say_one_line_and_exit_2(tw_bin, out_dir, args, why):
    r = sweep(tw_bin, *args, timeout=30)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and why in lines[0], r.stderr
    assert lines[0].startswith("tickwire-sweep: ")
    assert not os.listdir(out_dir)


def test_help_changes_nothing(tw_bin, out_dir):
    r = subprocess.run([sys.executable, SWEEP, "--help"], cwd=out_dir,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "throughput" in r.stdout
    assert not os.listdir(out_dir)


def test_an_output_that_cannot_be_written_is_refused_before_any_trial(
        tw_bin, out_dir):
    r = sweep(tw_bin, "throughput", "--json",
              os.path.join(out_dir, "no", "such", "dir.json"), timeout=30)
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1
    assert "no directory" in r.stderr
