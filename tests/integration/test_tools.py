#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The tools a DPDK user reaches for, against a running tickwire.

One tickwire run over net_ring (paced, then lingering after the end of
session) is inspected while it runs by:
  - dpdk-telemetry.py: every /tickwire/... command; counters only grow
    and end equal to the final stats JSON; /tickwire/interruptions names
    the pollers the JSON's "interruptions" names, and their time grows; channels and a symbol snapshot
    and the top list match the final JSON and cache dump;
  - dpdk-dumpcap: N packets captured from net_ring0, checked by tshark's
    MoldUDP64 dissector;
  - tickwire-top under tmux: live symbols and rates that change;
  - tickwire-top with no tickwire running: a clear message, exit 1;
  - plot-latency with and without the latency CSVs' companion
    (PREFIX.interruptions.csv), and with a foreign one;
  - --log-level=tickwire.rx:debug: the RX lcore's debug line appears;
  - tickwire-bench's receivers with books (ITCH 5.0, MDP 3.0): every
    pass ends with books == truth books, no allocation.
Secondary processes (dumpcap, tickwire-top) need the primary's hugepage
memory: without hugepages those checks are reported NOT RUN and the test
fails, since they were not done.

and, on one feed mirrored to net_tap tw0 (kernel-compare.ini), the
kernel receiver tickwire-sockrx beside tickwire's own RX lcore: both get
every message and end with byte-identical caches.

Usage: test_tools.py TICKWIRE TICKWIRE_TOP TICKWIRE_SOCKRX SRC_DIR OUT_DIR
"""
import csv
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

TW, TOP, SOCKRX, SRC, OUT = sys.argv[1:6]
EAL_EXTRA = os.environ.get("TW_EAL_EXTRA", "").split()
# Under TW_PREFIX=TAG (scripts/test.sh sets one) tickwire tags its file
# prefixes and tap names: so do the tools pointed at it.
TAG = os.environ.get("TW_PREFIX", "")


def tagged(name):
    return name + ("-" + TAG if TAG else "")


PREFIX = tagged("tickwire")   # loopback.ini's --file-prefix
TAP = tagged("tw0")           # kernel-compare.ini's net_tap
N_CAPTURE = 300
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def out(name):
    return os.path.join(OUT, name)


def ask(*cmds):
    """dpdk-telemetry.py's answers, one per command, in order."""
    p = subprocess.run(["dpdk-telemetry.py", "-f", PREFIX],
                       input="\n".join(cmds) + "\n", capture_output=True,
                       text=True, timeout=30)
    answers = []
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            answers.append(json.loads(line))
    return answers


def telemetry(cmd):
    """The value of one command's answer, or None."""
    a = ask(cmd)
    return next(iter(a[0].values())) if a else None


def wait_for(pred, timeout, step=0.25):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(step)
    return False


def no_primary_message():
    p = subprocess.run([TOP, "--file-prefix", "tickwire-nobody"],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 1 and "no tickwire is running" in p.stderr,
          "tickwire-top without a primary exits 1 saying so: " +
          p.stderr.strip())


def top_view(hugepages):
    if not hugepages:
        check(False, "tickwire-top: NOT RUN (no hugepages: a --no-huge "
              "primary cannot be attached)")
        return
    if shutil.which("tmux") is None:
        check(False, "tickwire-top: NOT RUN (tmux missing)")
        return
    session = "tw-test-top"
    subprocess.run(["tmux", "kill-session", "-t", session],
                   capture_output=True)
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "150",
                    "-y", "40", TOP, "--file-prefix", PREFIX,
                    "--interval-ms", "400", "--rows", "10"], check=True)
    screens = []
    for _ in range(2):
        time.sleep(1.5)
        screens.append(subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", session],
            capture_output=True, text=True).stdout)
    with open(out("tools.top.txt"), "w") as f:
        f.write("\n----\n".join(screens))
    subprocess.run(["tmux", "send-keys", "-t", session, "q"])
    quit_ok = wait_for(lambda: subprocess.run(
        ["tmux", "has-session", "-t", session],
        capture_output=True).returncode != 0, 5)
    if not quit_ok:
        subprocess.run(["tmux", "kill-session", "-t", session])
    check(quit_ok, "tickwire-top quits on q")

    def parse(screen):
        m = re.search(r"feed: ([0-9.]+) M msg/s .* messages ([\d,]+)",
                      screen)
        rows = re.findall(r"^\s*\d+\s+(TW\d{6})\s+([0-9.]+) x (\d+)",
                          screen, re.M)
        return (float(m.group(1)), int(m.group(2).replace(",", ""))) \
            if m else None, rows
    (a, rows_a), (b, rows_b) = parse(screens[0]), parse(screens[1])
    check(a is not None and b is not None, "tickwire-top shows the feed line")
    if a and b:
        check(a[0] > 0 and b[0] > 0, "tickwire-top message rate > 0: "
              "%.3f, %.3f M msg/s" % (a[0], b[0]))
        check(b[1] > a[1], "tickwire-top message count moves: %d -> %d" %
              (a[1], b[1]))
    check(len(rows_a) >= 5 and len(rows_b) >= 5,
          "tickwire-top lists symbols with bid x size (%d, %d rows)" %
          (len(rows_a), len(rows_b)))
    check(rows_a != rows_b, "tickwire-top's symbol rows change between "
          "screens")


def top_sizes(hugepages):
    """tickwire-top at 80x24 and 200x50: fitted, and its four pages."""
    if not hugepages or shutil.which("tmux") is None:
        check(False, "tickwire-top sizes: NOT RUN (no hugepages or tmux)")
        return
    for cols, rows in ((80, 24), (200, 50)):
        session = "tw-test-top-%d" % cols
        subprocess.run(["tmux", "kill-session", "-t", session],
                       capture_output=True)
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x",
                        str(cols), "-y", str(rows), TOP, "--file-prefix",
                        PREFIX, "--interval-ms", "200"], check=True)
        pages = {}
        time.sleep(0.6)
        for key in ("s", "l", "p", "m"):
            subprocess.run(["tmux", "send-keys", "-t", session, key])
            time.sleep(0.5)
            # On a loaded host a capture may catch the screen before
            # (or while) top draws it: the symbol page is read again
            # until its rows are there, for 5 s at most.
            deadline = time.monotonic() + 5
            while True:
                pages[key] = subprocess.run(
                    ["tmux", "capture-pane", "-p", "-t", session],
                    capture_output=True, text=True).stdout
                if key != "s" or time.monotonic() > deadline or \
                        re.search(r"^\s*\d+\s+TW\d{6}", pages[key], re.M):
                    break
                time.sleep(0.2)
        subprocess.run(["tmux", "send-keys", "-t", session, "q"])
        with open(out("tools.top-%dx%d.txt" % (cols, rows)), "w") as f:
            f.write("\n----\n".join(pages[k] for k in "slpm"))
        lines = [l for p in pages.values() for l in p.splitlines()]
        check(len(lines) > 0, "tickwire-top %dx%d drew a screen" %
              (cols, rows))
        if not lines:
            continue
        check(max(len(l) for l in lines) <= cols and
              all(len(p.rstrip("\n").splitlines()) <= rows
                  for p in pages.values()),
              "tickwire-top fits %dx%d (widest line %d)" %
              (cols, rows, max(len(l) for l in lines)))
        sym = re.findall(r"^\s*\d+\s+TW\d{6}", pages["s"], re.M)
        check(len(sym) >= min(10, rows - 8),
              "tickwire-top %dx%d: %d symbol rows" % (cols, rows, len(sym)))
        check(("SPREAD" in pages["s"]) == (cols >= 200),
              "tickwire-top %dx%d: the spread column only when it fits" %
              (cols, rows))
        check(re.search(r"^ rx \d+\s+[\d,]+\s+[\d,]+", pages["l"], re.M)
              is not None and " gen " in pages["l"],
              "tickwire-top page l: a line per lcore")
        check(re.search(r"^ rx \d+\s+[0-9.]+%\s+[0-9.]+%\s+[\d,]+\s+"
                        r"[0-9.]+\s+[0-9.]+$", pages["l"], re.M) is not None
              and re.search(r"^ gen \d+\s+[0-9.]+%", pages["l"], re.M)
              is not None,
              "tickwire-top page l: each poller's interruptions")
        check(re.search(r"^ 0\s+net_ring0\s+up\s+\d+", pages["p"], re.M)
              is not None, "tickwire-top page p: the port, link up")
        check(re.search(r"^ \S+\s+\d+\s+\d+\s+\d+\s+[0-9.]+%",
                        pages["m"], re.M) is not None,
              "tickwire-top page m: mempools and their use")


def check_interruptions(a, b):
    """Two answers of /tickwire/interruptions half a second apart."""
    pa = {k: v for k, v in (a or {}).items() if k != "unit"}
    pb = {k: v for k, v in (b or {}).items() if k != "unit"}
    check(a is not None and a.get("unit") == "ns" and "rx_lcore_2" in pa
          and any(k.startswith("gen_lcore_") for k in pa) and
          all(k == "%s_lcore_%d" % (p["role"], p["lcore"])
              for k, p in pa.items()),
          "/tickwire/interruptions: a dict per RX and generator lcore: %s" %
          sorted(pa))
    for k, p in pa.items():
        q = pb.get(k, {})
        check(p["threshold_ns"] == 1000 and
              p["lost_ns"] <= p["elapsed_ns"] and
              p["lost_ppm"] <= 1000000 and
              p["longest_ns"] >= (p["threshold_ns"] if p["stalls"] else 0)
              and q.get("elapsed_ns", 0) > p["elapsed_ns"] and
              q.get("stalls", -1) >= p["stalls"],
              "/tickwire/interruptions %s: %d stalls, %d ppm lost, its "
              "time grows (%d -> %d ns)" % (k, p["stalls"], p["lost_ppm"],
                                            p["elapsed_ns"],
                                            q.get("elapsed_ns", 0)))


def capture(hugepages):
    if not hugepages:
        check(False, "dpdk-dumpcap: NOT RUN (no hugepages: a --no-huge "
              "primary cannot be attached)")
        return
    pcap = out("tools.dumpcap.pcapng")
    if os.path.exists(pcap):
        os.remove(pcap)
    p = subprocess.run(["dpdk-dumpcap", "--file-prefix=" + PREFIX, "-q",
                        "-i", "net_ring0", "-c", str(N_CAPTURE), "-w",
                        pcap], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and os.path.exists(pcap),
          "dpdk-dumpcap attached and wrote %s (rc %d) %s" %
          (pcap, p.returncode, p.stderr.strip()[-200:]))
    if not os.path.exists(pcap):
        return
    fields = subprocess.run(
        ["tshark", "-r", pcap, "-d", "udp.port==30001,moldudp64", "-T",
         "fields", "-e", "frame.number", "-e", "moldudp64.session", "-e",
         "moldudp64.sequence", "-e", "_ws.expert"],
        capture_output=True, text=True, timeout=60).stdout.splitlines()
    rows = [f.split("\t") for f in fields if f.strip()]
    mold = [r for r in rows if len(r) > 1 and r[1].strip()]
    expert = [r for r in rows if len(r) > 3 and r[3].strip()]
    check(len(rows) >= N_CAPTURE, "dumpcap captured at least %d packets: %d"
          % (N_CAPTURE, len(rows)))
    check(len(mold) == len(rows), "every captured packet is MoldUDP64 "
          "(%d of %d)" % (len(mold), len(rows)))
    check(all(r[1].strip() == "TICKWIRE01" for r in mold),
          "captured session is TICKWIRE01")
    check(not expert, "tshark reports no malformed packets or expert "
          "warnings (%d)" % len(expert))


def kernel_path():
    """One feed, the DPDK RX lcore and the kernel UDP receiver."""
    profile = SRC + "/drivers-config/kernel-compare.ini"
    outs = {k: out("kernel.%s.%s" % (k, ext)) for k in ("dpdk", "sock")
            for ext in ("json",)}
    caches = {k: out("kernel.%s.cache.csv" % k) for k in ("dpdk", "sock")}
    for f in list(outs.values()) + list(caches.values()):
        if os.path.exists(f):
            os.remove(f)
    tw_log = open(out("kernel.dpdk.log"), "w")
    tw = subprocess.Popen([TW] + EAL_EXTRA + [
        "--", "--config", profile, "--count", "50000", "--rate", "20000",
        "--quiet",
        "--stats-json", outs["dpdk"], "--dump-cache", caches["dpdk"]],
        stdout=tw_log, stderr=subprocess.STDOUT)
    ok = wait_for(lambda: subprocess.run(
        ["ip", "link", "show", TAP], capture_output=True).returncode == 0,
        20, 0.1)
    check(ok, "kernel path: tickwire created " + TAP)
    subprocess.run(["ip", "addr", "add", "198.51.100.2/24", "dev", TAP])
    sock_log = open(out("kernel.sock.log"), "w")
    sock = subprocess.Popen([SOCKRX, "--config", profile, "--iface", TAP,
                             "--duration", "60", "--stats-json",
                             outs["sock"], "--dump-cache", caches["sock"]],
                            stdout=sock_log, stderr=subprocess.STDOUT)
    # The feed starts with the link: only once every group is joined.
    ready = wait_for(lambda: "channels from" in open(
        out("kernel.sock.log")).read(), 20, 0.05)
    check(ready, "kernel path: tickwire-sockrx joined its groups")
    subprocess.run(["ip", "link", "set", TAP, "up"])
    rc_tw, rc_sock = tw.wait(timeout=90), sock.wait(timeout=90)
    check(rc_tw == 0 and rc_sock == 0, "kernel path: both receivers exit 0 "
          "(%d, %d)" % (rc_tw, rc_sock))
    if rc_tw != 0 or rc_sock != 0:
        return
    d, k = (json.load(open(outs[x])) for x in ("dpdk", "sock"))
    check(d["rx"]["messages"] == k["rx"]["messages"] == 51000,
          "kernel path: both applied 51000 messages (%d, %d)" %
          (d["rx"]["messages"], k["rx"]["messages"]))
    check(k["drops_total"] == 0 and k["gaps"] == 0 and
          d["generator"]["mirror_dropped"] == 0,
          "kernel path: no drops, gaps or refused mirror frames")
    check(open(caches["dpdk"]).read() == open(caches["sock"]).read(),
          "kernel path: tickwire-sockrx's cache equals tickwire's")
    check(k["latency_ns"]["count"] > 0 and d["latency_ns"]["count"] > 0,
          "kernel path: both measured latency (p50 %d ns DPDK, %d ns "
          "kernel)" % (d["latency_ns"]["p50"], k["latency_ns"]["p50"]))


def top_extreme_prices(hugepages):
    """A symbol quoting the extreme prices of the wire format (bid
    INT64_MIN + 1, ask INT64_MAX): tickwire-top shows a positive spread,
    computed without a signed overflow."""
    if not hugepages or shutil.which("tmux") is None:
        check(False, "tickwire-top extreme prices: NOT RUN (needs "
              "hugepages and tmux)")
        return
    d = out("extreme")
    os.makedirs(d, exist_ok=True)
    mkcap = os.path.join(os.path.dirname(OUT), "tw-mkcap")
    subprocess.run([mkcap, "--extreme", "tickwire-feed.pcap"], cwd=d,
                   check=True)
    log = open(os.path.join(d, "replay.log"), "w")
    # The profile's relative capture is beside the profile: name ours.
    tw = subprocess.Popen([TW] + EAL_EXTRA + [
        "--vdev=net_pcap0,rx_pcap=" + os.path.join(d, "tickwire-feed.pcap"),
        "--", "--config", SRC + "/drivers-config/pcap-replay.ini",
        "--symbols", "64", "--quiet", "--set", "run.linger_s=5"],
        cwd=d, stdout=log, stderr=subprocess.STDOUT)
    session = "tw-test-top-extreme"
    try:
        time.sleep(1.5)
        subprocess.run(["tmux", "kill-session", "-t", session],
                       capture_output=True)
        # The first screen lists every symbol updated since the start.
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x",
                        "160", "-y", "20", TOP, "--file-prefix",
                        tagged("tickwire-replay"), "--interval-ms", "3000"],
                       check=True)
        time.sleep(1.2)
        screen = subprocess.run(["tmux", "capture-pane", "-p", "-t",
                                 session], capture_output=True,
                                text=True).stdout
        subprocess.run(["tmux", "kill-session", "-t", session],
                       capture_output=True)
    finally:
        rc = tw.wait(timeout=30)
    row = re.search(r"XTREME01.*\s(-?[0-9.]+)\s*$", screen, re.M)
    check(rc == 0 and row is not None and float(row.group(1)) > 1e15,
          "tickwire-top: spread of the extreme quote is positive (%s)" %
          (row.group(1) if row else "no row"))


def sockrx_drops_truncated():
    """A datagram longer than tickwire-sockrx's buffer is cut by the
    kernel (MSG_TRUNC): dropped under 'truncated', never applied."""
    a, b = "twt%d" % (os.getpid() % 100000), "twu%d" % (os.getpid() % 100000)
    js = out("sockrx-trunc.json")
    if os.path.exists(js):
        os.remove(js)
    subprocess.run(["ip", "link", "del", a], capture_output=True)
    for c in (["ip", "link", "add", a, "type", "veth", "peer", "name", b],
              ["ip", "link", "set", a, "up"], ["ip", "link", "set", b, "up"],
              ["ip", "addr", "add", "192.0.2.77/32", "dev", a]):
        subprocess.run(c, check=True)
    try:
        log = open(out("sockrx-trunc.log"), "w")
        sock = subprocess.Popen([SOCKRX, "--config", SRC +
                                 "/drivers-config/loopback.ini", "--iface",
                                 a, "--duration", "3", "--stats-json", js],
                                stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: "channels from" in open(
            out("sockrx-trunc.log")).read(), 20, 0.05)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, struct.pack(
            "4s4si", bytes(4), socket.inet_aton("192.0.2.77"),
            socket.if_nametoindex(a)))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
        s.sendto(b"x" * 9500, ("239.1.1.1", 30001))   # > its 9000 bytes
        s.sendto(b"y" * 5, ("239.1.1.1", 30001))      # a runt, for scale
        rc = sock.wait(timeout=30)
        d = json.load(open(js))
        check(rc == 0 and d["drops"]["truncated"] == 1 and
              d["drops"]["bad_mold_hdr"] == 1 and d["rx"]["messages"] == 0,
              "tickwire-sockrx drops a truncated datagram as 'truncated' "
              "(%s)" % {k: v for k, v in d["drops"].items() if v})
        # Its loop's own interruptions, over its own threshold, for
        # its whole run (3 s): recorded as an RX lcore's are.
        pl = d["interruptions"]["pollers"]
        check(len(pl) == 1 and pl[0]["role"] == "sockrx" and
              pl[0]["threshold_ns"] == 50000 and
              2.5e9 < pl[0]["elapsed_ns"] < 30e9 and
              pl[0]["lost_ns"] <= pl[0]["elapsed_ns"] and
              pl[0]["stall_ns"]["count"] == pl[0]["stalls"],
              "tickwire-sockrx records its loop's interruptions over "
              "[host] sockrx_stall_threshold_ns (%s)" %
              {k: v for k, v in pl[0].items() if k != "stall_ns"}
              if pl else "tickwire-sockrx: no interruption record")
    finally:
        subprocess.run(["ip", "link", "del", a], capture_output=True)


def plot_errors():
    """plot-latency on a missing and a foreign file: one line each."""
    bad = out("not-a-histogram.csv")
    with open(bad, "w") as f:
        f.write("a,b\n1,2\n")
    for path, why in ((out("no-such.csv"), "No such file or directory"),
                      (bad, "not a tickwire latency CSV")):
        p = subprocess.run([SRC + "/scripts/plot-latency", "-o",
                            out("plot"), path], capture_output=True,
                           text=True, timeout=60)
        lines = p.stderr.strip().splitlines()
        check(p.returncode == 1 and len(lines) == 1 and
              lines[0].startswith("plot-latency: " + path) and
              why in lines[0] and "Traceback" not in p.stderr,
              "plot-latency names the file and why in one line: %r" %
              p.stderr.strip())


def plot_interruptions():
    """plot-latency draws the companion's interruptions when it is there,
    the spans alone when it is not, and names a broken one."""
    if subprocess.run(["/usr/bin/python3", "-c", "import matplotlib"],
                      capture_output=True).returncode != 0:
        check(False, "plot-latency interruptions: NOT RUN (no "
              "python3-matplotlib)")
        return
    span, comp = out("plotn.send-cache.csv"), out("plotn.interruptions.csv")
    with open(span, "w") as f:
        f.write("lo_ns,hi_ns,count,cumulative_fraction\n"
                "1000,1003,90,0.9\n50000,50175,10,1.0\n")
    with open(comp, "w") as f:
        f.write("lcore,role,lo_ns,hi_ns,count\n2,rx,1500,1503,40\n"
                "2,rx,49000,49151,5\n1,gen,2000,2007,3\n\n"
                "lcore,role,threshold_ns,elapsed_ns,stalls,lost_ns,"
                "lost_share,longest_ns,p50_ns,p90_ns,p99_ns,p999_ns\n"
                "2,rx,1000,1000000000,45,305000,0.000305,49151,1501,"
                "49075,49075,49075\n1,gen,1000,1000000000,3,6000,0.000006,"
                "2007,2003,2003,2003,2003\n")

    def plot():
        for png in (".percentiles.png", ".histogram.png"):
            if os.path.exists(out("plotn") + png):
                os.remove(out("plotn") + png)
        p = subprocess.run([SRC + "/scripts/plot-latency", "-o",
                            out("plotn"), span + "=send->cache"],
                           capture_output=True, text=True, timeout=120)
        pngs = all(os.path.exists(out("plotn") + png) and
                   os.path.getsize(out("plotn") + png) > 1000 for png in
                   (".percentiles.png", ".histogram.png"))
        return p, pngs
    p, pngs = plot()
    check(p.returncode == 0 and pngs and
          comp + ": drawn beside the spans" in p.stdout,
          "plot-latency draws the interruptions beside the span: %r" %
          (p.stdout.strip() + p.stderr.strip()))
    os.rename(comp, comp + ".away")
    p, pngs = plot()
    check(p.returncode == 0 and pngs and "drawn beside" not in p.stdout
          and p.stderr.strip() == "",
          "plot-latency without the companion: the span alone, exit 0 "
          "(%r)" % p.stderr.strip())
    with open(comp, "w") as f:
        f.write("a,b\n1,2\n")
    p, _ = plot()
    lines = p.stderr.strip().splitlines()
    check(p.returncode == 1 and len(lines) == 1 and
          lines[0].startswith("plot-latency: " + comp) and
          "Traceback" not in p.stderr,
          "plot-latency names a foreign companion in one line: %r" %
          p.stderr.strip())
    os.rename(comp + ".away", comp)


def installed():
    """meson install --destdir: binaries, profiles and man pages."""
    build = os.path.dirname(os.path.dirname(os.path.dirname(TW)))
    dest = out("destdir")
    shutil.rmtree(dest, ignore_errors=True)
    p = subprocess.run(["meson", "install", "--no-rebuild", "-C", build,
                        "--destdir", dest], capture_output=True, text=True,
                       timeout=120)
    check(p.returncode == 0, "meson install --destdir succeeds")
    files = [os.path.join(r, f) for r, _, fs in os.walk(dest) for f in fs]
    names = {os.path.basename(f) for f in files}
    bins = ["tickwire", "tickwire-top", "tickwire-sockrx", "tickwire-bench",
            "tickwire-itch"]
    check(all(b in names and b + ".1" in names for b in bins) and
          "loopback.ini" in names and "memif-gen.ini" in names,
          "installed: %s" % sorted(names))
    for f in files:
        if f.endswith(".1"):
            m = subprocess.run(["man", "--warnings", "-l", f],
                               capture_output=True, text=True, timeout=30,
                               env=dict(os.environ, MANWIDTH="80"))
            check(m.returncode == 0 and "NAME" in m.stdout and
                  m.stderr.strip() == "",
                  "man -l %s renders cleanly: %r" %
                  (os.path.basename(f), m.stderr.strip()))
        elif os.path.basename(f) in bins:
            v = subprocess.run([f, "--version"], capture_output=True,
                               text=True, timeout=30)
            check(v.returncode == 0 and
                  re.match(re.escape(os.path.basename(f)) +
                           r" \d+\.\d+\.\d+\n$", v.stdout) is not None,
                  "installed %s --version: %r" %
                  (os.path.basename(f), v.stdout.strip()))


def bench_books():
    """tickwire-bench's receivers with books (--quick, one repetition):
    each pass of ITCH 5.0's and MDP 3.0's RX path must end with the
    books equal to the generator's truth books, or the bench exits 1;
    no allocation in the measured loops."""
    build = os.path.dirname(os.path.dirname(os.path.dirname(TW)))
    bench = os.path.join(build, "app", "tickwire-bench", "tickwire-bench")
    res = out("bench-books.json")
    if os.path.exists(res):
        os.remove(res)
    p = subprocess.run([bench] + EAL_EXTRA +
                       ["--file-prefix", tagged("tw-bench"), "--no-pci",
                        "-l", "0", "--", "--quick", "--reps", "1",
                        "--groups", "itch,mdp3", "--json", res],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "tickwire-bench --groups itch,mdp3: exit 0 "
          "(rc %d: %r)" % (p.returncode, p.stderr.strip()[-300:]))
    if p.returncode != 0:
        return
    got = {r["case"]: r for r in json.load(open(res))["results"]}
    for case in ("itch_rx", "itch_rx_pkt", "itch_rx_1pkt", "mdp3_rx",
                 "mdp3_rx_pkt", "mdp3_rx_1pkt"):
        r = got.get(case)
        check(r is not None and r["value"] > 0 and r["ops"] > 0 and
              r["allocations"] == 0,
              "tickwire-bench %s: a figure, no allocation (%r)" % (case, r))


def main():
    hugepages = "--no-huge" not in EAL_EXTRA
    no_primary_message()
    plot_errors()
    plot_interruptions()
    installed()
    bench_books()
    for name, exe in (("tickwire-top", TOP), ("tickwire-sockrx", SOCKRX)):
        v = subprocess.run([exe, "--version"], capture_output=True,
                           text=True, timeout=10)
        check(v.returncode == 0 and re.match(name + r" \d+\.\d+\.\d+\n",
                                             v.stdout) is not None,
              "%s --version: %r" % (name, v.stdout.strip()))
    top_extreme_prices(hugepages)
    sockrx_drops_truncated()
    kernel_path()
    json_path, cache_path = out("tools.json"), out("tools.cache.csv")
    for f in (json_path, cache_path):
        if os.path.exists(f):
            os.remove(f)
    cmd = [TW] + EAL_EXTRA + ["--log-level=tickwire.rx:debug", "--",
                              "--config",
                              SRC + "/drivers-config/loopback.ini",
                              # 30 s of feed: the live views' checks
                              # (telemetry, dumpcap, tickwire-top) all run
                              # while it flows, on a loaded host too.
                              "--count", "3000000", "--rate", "100000",
                              "--quiet", "--duration", "60",
                              # Up until the checks are done (a loaded host
                              # makes them slow), then ended by a signal.
                              "--set", "run.linger_s=60",
                              "--set", "feed.session=TICKWIRE01",
                              "--stats-json", json_path,
                              "--dump-cache", cache_path]
    print("run: " + " ".join(cmd), flush=True)
    log = open(out("tools.tickwire.log"), "w")
    tw = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        ok = wait_for(lambda: telemetry("/tickwire/stats") is not None, 20)
        check(ok, "telemetry answers /tickwire/stats while running")
        s1 = telemetry("/tickwire/stats")
        time.sleep(1.0)
        s2 = telemetry("/tickwire/stats")
        check(s2["rx_total"]["messages"] > s1["rx_total"]["messages"] > 0,
              "rx messages grow while running: %d -> %d" %
              (s1["rx_total"]["messages"], s2["rx_total"]["messages"]))
        check(s2["generator"]["ticks"] >= s1["generator"]["ticks"],
              "generator ticks only grow")
        check("rx_lcore_2" in s2 and s2["simd"] in
              ("scalar", "sse", "avx2", "avx512"),
              "stats has the RX lcore and the SIMD level")
        lat = telemetry("/tickwire/latency")
        for span in ("send_cache", "send_poll", "poll_cache"):
            h = lat[span]
            check(h["count"] > 0 and h["min"] <= h["p50"] <= h["p99"]
                  <= h["max"], "latency %s summary is ordered: %s" %
                  (span, h))
        intr = [telemetry("/tickwire/interruptions")]
        time.sleep(0.5)
        intr.append(telemetry("/tickwire/interruptions"))
        check_interruptions(*intr)

        capture(hugepages)
        top_view(hugepages)
        top_sizes(hugepages)

        # After the end of session tickwire lingers: the final state.
        ended = wait_for(lambda: all(
            c["ended"] == 1 for k, c in telemetry("/tickwire/channels")
            .items() if k != "channels"), 30)
        check(ended, "telemetry shows every channel ended")
        fin = [next(iter(a.values())) for a in ask(
            "/tickwire/stats", "/tickwire/channels",
            "/tickwire/symbol,TW000005", "/tickwire/top,5",
            "/tickwire/top,0", "/tickwire/symbol,NOSUCH",
            "/tickwire/ports", "/tickwire/interruptions")]
    finally:
        # The session is over (or a check failed): a signal ends the
        # linger, cleanly.
        if tw.poll() is None:
            tw.send_signal(signal.SIGINT)
        rc = tw.wait(timeout=90)
        log.close()
    check(rc == 0, "tickwire exited 0 (rc %d)" % rc)
    logtext = open(out("tools.tickwire.log")).read()
    check(re.search(r"tickwire\.rx: lcore \d+ stopped: [\d,]+ packets",
                    logtext) is not None,
          "--log-level=tickwire.rx:debug shows the RX lcore's debug line")
    final = json.load(open(json_path))
    run = final.get("run", {})
    check(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
                   run.get("started_utc", "")) is not None and
          run.get("host") == socket.gethostname() and
          "--count 3000000" in run.get("command_line", "") and
          "--file-prefix=" + PREFIX in run.get("eal_args", "") and
          run.get("rate") == 100000 and run.get("count") == 3000000 and
          run.get("duration_s") == 60 and run.get("seed") == 1 and
          run.get("version") == final["version"] and run.get("git") and
          run.get("profile", "").endswith("loopback.ini"),
          "the stats JSON starts with the run record: %s" % run)
    check(len(fin) == 8, "eight answers to eight commands")
    st, chans, sym, top, bad_top, bad_sym, ports, intr = fin
    named = sorted((p["role"], p["lcore"], p["threshold_ns"])
                   for p in final["interruptions"]["pollers"])
    told = sorted((p["role"], p["lcore"], p["threshold_ns"])
                  for k, p in intr.items() if k != "unit")
    check(named == told and len(told) >= 2,
          "/tickwire/interruptions names the JSON's pollers: %s, %s" %
          (told, named))
    p0, j0 = ports["0"], final["ports"][0]
    check(p0["name"] == j0["name"] == "net_ring0" and p0["link_up"] == 1 and
          p0["ipackets"] == j0["ipackets"] == final["rx"]["packets"] and
          p0["imissed"] == j0["imissed"] == 0,
          "/tickwire/ports: net_ring0 up, ipackets %d as in the JSON and "
          "the RX count" % p0["ipackets"])
    check(st["rx_total"]["messages"] == final["rx"]["messages"] == 3001000,
          "telemetry's last count equals the stats JSON: %d, %d" %
          (st["rx_total"]["messages"], final["rx"]["messages"]))
    check(st["generator"]["ticks"] == final["generator"]["ticks"],
          "generator ticks equal the stats JSON")
    check(st["rx_total"]["drops_total"] == final["drops_total"],
          "drops equal the stats JSON")
    for c in final["channels"]:
        t = chans[str(c["channel"])]
        check(t["expected_seq"] == c["expected_seq"] and
              t["gaps"] == c["gaps"] and t["group"] == c["group"],
              "channel %d: %s expected %d, gaps %d as in the JSON" %
              (c["channel"], t["group"], t["expected_seq"], t["gaps"]))
    rows = {r["ticker"]: r for r in csv.DictReader(open(cache_path))}
    want = rows["TW000005"]
    check(all(str(sym[k]) == want[k] for k in
              ("bid_px", "bid_sz", "ask_px", "ask_sz", "last_px", "last_sz",
               "volume", "updates", "last_seq")),
          "symbol snapshot equals the cache dump: %s" % sym)
    updates = [top[str(i)]["updates"] for i in range(1, 6)]
    best = sorted((int(r["updates"]) for r in rows.values()),
                  reverse=True)[:5]
    check(updates == best, "top,5 are the 5 most updated symbols of the "
          "dump: %s vs %s" % (updates, best))
    check(bad_top == {"error": "N must be 1 to 100: /tickwire/top,N"} and
          bad_sym == {"error": "no symbol NOSUCH in the directory"},
          "top,0 and an unknown ticker get their reason: %s, %s" %
          (bad_top, bad_sym))
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
