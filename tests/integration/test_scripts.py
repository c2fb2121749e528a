#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The scripts of scripts/ as a newcomer meets them.

  - --help and -h on every script print its usage, exit 0 and change
    nothing: apt-get, sudo, meson, ninja, mount and clang are stand-ins
    on PATH that log any call, and none may be made;
  - every bad argument is refused in one line (no shell error, no
    Python traceback) with exit 2, or 1 for a path that cannot be used,
    before anything is installed, set up or built;
  - plot-latency writes by the report-file rules: a symlink stays a
    symlink and its target is written, a FIFO and a character device
    are written in place, a regular file is replaced whole with no
    temporary file left, a symlink planted at the temporary name is not
    followed; "-" means standard output for report_file.py.

Usage: test_scripts.py SRC_DIR OUT_DIR
"""
import os
import shutil
import stat
import subprocess
import sys
import threading

SRC, OUT = sys.argv[1:3]
ITCH = os.environ.get("TW_ITCH_TOOL", "")
SCRIPTS = ["setup.sh", "test.sh", "run.sh", "fuzz.sh", "bench.sh",
           "latency-bench.sh", "af_packet-lab.sh", "plot-latency",
           "mdp3-recovery.sh", "itch-rounds"]
WORK = os.path.join(OUT, "scripts")
DAY = os.path.join(WORK, "rounds.itch")
FAKES = os.path.join(WORK, "bin")
CALLS = os.path.join(WORK, "calls.log")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def fakes():
    """Stand-ins that log their call; meson test --help is answered by
    the real meson (test.sh checks its options against it)."""
    os.makedirs(FAKES)
    real_meson = shutil.which("meson")
    for name in ("apt-get", "sudo", "ninja", "mount", "clang", "meson"):
        with open(os.path.join(FAKES, name), "w") as f:
            f.write("#!/bin/sh\n")
            if name == "meson":
                f.write('[ "$1 $2" = "test --help" ] && exec %s "$@"\n'
                        % real_meson)
            f.write('echo "%s $*" >> %s\nexit 0\n' % (name, CALLS))
        os.chmod(os.path.join(FAKES, name), 0o755)


def run(script, *args, fake=True, cwd=None):
    env = dict(os.environ)
    if fake:
        env["PATH"] = FAKES + ":" + env["PATH"]
    if os.path.exists(CALLS):
        os.remove(CALLS)
    p = subprocess.run([os.path.join(SRC, "scripts", script)] + list(args),
                       capture_output=True, text=True, timeout=120,
                       env=env, cwd=cwd or WORK)
    calls = open(CALLS).read() if os.path.exists(CALLS) else ""
    return p, calls


def shell_error(text):
    return ("Traceback" in text or "unbound variable" in text or
            ": line " in text or "command not found" in text)


def help_changes_nothing():
    build = os.path.join(SRC, "build")
    before = os.stat(build).st_mtime if os.path.exists(build) else None
    for script in SCRIPTS:
        for flag in ("--help", "-h"):
            p, calls = run(script, flag)
            check(p.returncode == 0 and "usage" in p.stdout.lower() and
                  p.stderr == "" and calls == "",
                  "%s %s: usage, exit 0, nothing run (rc %d, calls %r, "
                  "stderr %r)" % (script, flag, p.returncode, calls,
                                  p.stderr[:200]))
    after = os.stat(build).st_mtime if os.path.exists(build) else None
    check(before == after, "--help left build/ as it was")


def bad_arguments():
    regular = os.path.join(WORK, "a-file")
    open(regular, "w").close()
    cases = [
        ("setup.sh", ["--bogus"], 2, "unknown argument '--bogus'"),
        ("test.sh", ["--bogus"], 2, "unknown option '--bogus'"),
        ("fuzz.sh", ["--bogus"], 2, "unknown option '--bogus'"),
        ("fuzz.sh", ["abc"], 2, "SECONDS: 'abc' is not a whole number"),
        ("fuzz.sh", ["5", "fuzz_nope"], 2, "no harness 'fuzz_nope'"),
        ("bench.sh", ["--out"], 2, "--out needs a value"),
        ("bench.sh", ["--reps", "x"], 2, "--reps: 'x'"),
        ("bench.sh", ["--reps"], 2, "--reps needs a value"),
        ("bench.sh", ["--levels", "avx9"], 2, "'avx9' is not one of"),
        ("bench.sh", ["--groups", "net"], 2, "'net' is not one of"),
        ("bench.sh", ["--bogus"], 2, "unknown option '--bogus'"),
        ("bench.sh", ["--out", "-"], 2, "give a directory"),
        ("bench.sh", ["--out", regular], 1, regular + ": not a directory"),
        ("bench.sh", ["--out", regular + "/sub"], 1, "is not a directory"),
        ("latency-bench.sh", ["--out"], 2, "--out needs a value"),
        ("latency-bench.sh", ["--bogus"], 2, "unknown option '--bogus'"),
        ("latency-bench.sh", ["--rates", "1 x"], 2, "'x' is not a whole"),
        ("latency-bench.sh", ["--kernel-rates", "0"], 2, "above 0"),
        ("latency-bench.sh", ["--losses", "2"], 2, "from 0 to 1"),
        ("latency-bench.sh", ["--loss-rate", "fast"], 2, "'fast'"),
        ("latency-bench.sh", ["--loss-burst", "0.5"], 2, "from 1 to"),
        ("latency-bench.sh", ["--loopback-count", "-1"], 2, "'-1'"),
        ("latency-bench.sh", ["--bench-json", "/nonexistent.json"], 1,
         "/nonexistent.json: no such file"),
        ("latency-bench.sh", ["--out", regular], 1, "not a directory"),
        ("latency-bench.sh", ["--out", "-"], 2, "give a directory"),
        ("mdp3-recovery.sh", ["--out"], 2, "--out needs a value"),
        ("mdp3-recovery.sh", ["--bogus"], 2, "unknown option '--bogus'"),
        ("mdp3-recovery.sh", ["--loss", "0.7"], 2, "from 0 to 0.5"),
        ("mdp3-recovery.sh", ["--count", "0"], 2, "above 0"),
        ("mdp3-recovery.sh", ["--seeds", "5 x"], 2, "'x' is not a whole"),
        ("mdp3-recovery.sh", ["--seeds", ""], 2, "--seeds: none given"),
        ("mdp3-recovery.sh", ["--out", regular], 1, "not a directory"),
        ("itch-rounds", [], 2, "required"),
        ("itch-rounds", ["--rounds", "0", ITCH, ITCH, DAY], 2,
         "--rounds: 0 is not a whole number above 0"),
        ("itch-rounds", ["--cpu", "4096", ITCH, ITCH, DAY], 2,
         "--cpu: no CPU 4096"),
        ("itch-rounds", ["--peer", "x", ITCH, ITCH, DAY], 2,
         "--peer: 'x' is not NAME=CMD"),
        ("itch-rounds", [regular, ITCH, DAY], 2,
         regular + ": not an executable file"),
        ("itch-rounds", [ITCH, ITCH, "/nonexistent.itch"], 2,
         "/nonexistent.itch: not a readable day file"),
        ("itch-rounds", ["--out", regular + "/sub", ITCH, ITCH, DAY], 1,
         "Not a directory"),
        ("plot-latency", [], 2, "required"),
        ("plot-latency", ["--bogus", "-o", "p", "x.csv"], 2,
         "unrecognized arguments: --bogus"),
        ("plot-latency", ["-o"], 2, "expected one argument"),
        ("plot-latency", ["-o", "-", "x.csv"], 2, "a file prefix"),
        ("plot-latency", ["-o", "/nonexistent/dir/p", "x.csv"], 1,
         "/nonexistent/dir/p.percentiles.png: no directory "
         "/nonexistent/dir"),
    ]
    for script, args, rc, why in cases:
        p, calls = run(script, *args)
        lines = p.stderr.strip().splitlines()
        check(p.returncode == rc and len(lines) == 1 and why in lines[0]
              and not shell_error(p.stderr) and calls == "",
              "%s %s: exit %d, one line: %r (rc %d, calls %r)" %
              (script, " ".join(args), rc, p.stderr.strip()[:300],
               p.returncode, calls))
    # run.sh hands its arguments to tickwire, whose status it keeps.
    p, _ = run("run.sh", "--", "--bogus", fake=False)
    check(p.returncode == 2, "run.sh -- --bogus: tickwire's exit 2 (rc %d)"
          % p.returncode)


def csv_file():
    path = os.path.join(WORK, "lat.send-cache.csv")
    with open(path, "w") as f:
        f.write("lo_ns,hi_ns,count,cumulative_fraction\n"
                "1000,1100,5,0.5\n2000,2100,5,1.0\n")
    return path


def drain(path, into):
    with open(path, "rb") as f:
        into.append(len(f.read()))


def plot_report_files():
    # plot-latency runs Debian's python (its first line), not ours.
    if subprocess.run(["/usr/bin/python3", "-c", "import matplotlib"],
                      capture_output=True).returncode != 0:
        check(False, "plot-latency report files: NOT RUN (no "
              "python3-matplotlib)")
        return
    d = os.path.join(WORK, "plots")
    os.makedirs(d)
    src = csv_file()
    # A symlink and a FIFO with a reader.
    target = os.path.join(d, "target.png")
    open(target, "w").close()
    os.symlink("target.png", os.path.join(d, "a.percentiles.png"))
    fifo = os.path.join(d, "a.histogram.png")
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=drain, args=(fifo, got))
    reader.start()
    p, _ = run("plot-latency", "-o", os.path.join(d, "a"), src)
    reader.join(30)
    check(p.returncode == 0, "plot-latency into a symlink and a FIFO: "
          "exit 0 (%r)" % p.stderr.strip())
    check(os.path.islink(os.path.join(d, "a.percentiles.png")) and
          open(target, "rb").read(8) == b"\x89PNG\r\n\x1a\n",
          "a symlink stays a symlink, its target gets the PNG")
    check(stat.S_ISFIFO(os.lstat(fifo).st_mode) and got and got[0] > 1000,
          "a FIFO stays a FIFO, its reader got the PNG (%s bytes)" % got)
    # A regular file: replaced whole, the mode kept, nothing left over.
    reg = os.path.join(d, "b.percentiles.png")
    with open(reg, "w") as f:
        f.write("old")
    os.chmod(reg, 0o640)
    ino = os.stat(reg).st_ino
    p, _ = run("plot-latency", "-o", os.path.join(d, "b"), src)
    st = os.stat(reg)
    check(p.returncode == 0 and st.st_ino != ino and
          stat.S_IMODE(st.st_mode) == 0o640 and
          open(reg, "rb").read(4) == b"\x89PNG",
          "a regular file is replaced whole by a new one, its mode kept")
    check(not [n for n in os.listdir(d) if ".tmp-" in n],
          "no temporary file is left beside the outputs")
    # A character device (made here, as root): written, never replaced.
    if os.geteuid() == 0:
        dev = os.path.join(d, "c.histogram.png")
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # null
        os.symlink("/dev/null", os.path.join(d, "c.percentiles.png"))
        p, _ = run("plot-latency", "-o", os.path.join(d, "c"), src)
        check(p.returncode == 0 and
              stat.S_ISCHR(os.lstat(dev).st_mode) and
              stat.S_ISCHR(os.stat("/dev/null").st_mode),
              "a character device (and a symlink to /dev/null) is "
              "written in place, never replaced")
    else:
        check(False, "character device: NOT RUN (mknod needs root)")


def report_file_rules():
    sys.path.insert(0, os.path.join(SRC, "scripts", "lib"))
    import report_file
    d = os.path.join(WORK, "rules")
    os.makedirs(d)
    victim = os.path.join(d, "victim")
    with open(victim, "w") as f:
        f.write("keep")
    # Every temporary name this process would try first: planted.
    for n in range(3):
        os.symlink(victim, os.path.join(d, ".r.json.tmp-%d-%d" %
                                        (os.getpid(), n)))
    report_file.write(os.path.join(d, "r.json"), b"{}\n")
    check(open(victim).read() == "keep" and
          open(os.path.join(d, "r.json")).read() == "{}\n",
          "a symlink planted at the temporary name is not followed")
    src = os.path.join(d, "src")
    with open(src, "w") as f:
        f.write("to stdout\n")
    p = subprocess.run([sys.executable, os.path.join(
        SRC, "scripts", "lib", "report_file.py"), "install", src, "-"],
        capture_output=True, text=True, cwd=d, timeout=30)
    check(p.returncode == 0 and p.stdout == "to stdout\n" and
          not os.path.exists(os.path.join(d, "-")),
          "'-' is standard output, no file named -")
    p = subprocess.run([sys.executable, os.path.join(
        SRC, "scripts", "lib", "report_file.py"), "check",
        os.path.join(d, "no", "dir", "x")], capture_output=True,
        text=True, timeout=30)
    check(p.returncode == 1 and len(p.stderr.strip().splitlines()) == 1,
          "an unwritable path is refused in one line: %r" %
          p.stderr.strip())


def itch_rounds_run():
    """Two rounds of the same tickwire-itch as before and after, a peer
    beside them, on a small generated day: a row a run in the round's
    order (before first in odd rounds, after first in even ones), every
    run's messages the day's, a ratio a round for before and the peer."""
    import csv
    import json
    import statistics

    p = subprocess.run([ITCH, "--generate", "20000", "--write", DAY],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and os.path.getsize(DAY) > 0,
          "tickwire-itch --generate 20000 --write: a day (rc %d)" %
          p.returncode)
    p = subprocess.run([ITCH, DAY, "--json", DAY + ".json"],
                       capture_output=True, text=True, timeout=60)
    msgs = json.load(open(DAY + ".json"))["messages"]
    out = os.path.join(WORK, "rounds")
    p, calls = run("itch-rounds", "--rounds", "2", "--out", out,
                   "--peer", "cat=cat >/dev/null", ITCH, ITCH, DAY,
                   "--", "--symbols", "1000")
    check(p.returncode == 0 and calls == "" and "| after |" in p.stdout,
          "itch-rounds, two rounds: exit 0, its table (rc %d, %r)" %
          (p.returncode, p.stderr[-300:]))
    if p.returncode != 0:
        return
    rows = list(csv.DictReader(open(os.path.join(out, "rounds.csv"))))
    check([(r["round"], r["case"]) for r in rows] ==
          [("1", "before"), ("1", "after"), ("1", "cat"),
           ("2", "after"), ("2", "before"), ("2", "cat")],
          "itch-rounds: a row a run, before and after alternating first "
          "(%r)" % [(r["round"], r["case"]) for r in rows])
    check(all(int(r["messages"]) == msgs and float(r["wall_s"]) > 0
              for r in rows),
          "itch-rounds: every run's messages the day's %d" % msgs)
    j = json.load(open(os.path.join(out, "rounds.json")))["days"][DAY]
    for case in ("before", "cat"):
        rat = j[case]["after_over_this_per_round"]
        check(len(rat) == 2 and all(x > 0 for x in rat) and
              j[case]["after_over_this_median"] == statistics.median(rat),
              "itch-rounds: after / %s per round and its median (%r)" %
              (case, j[case]))


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    fakes()
    help_changes_nothing()
    itch_rounds_run()
    bad_arguments()
    plot_report_files()
    report_file_rules()
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
