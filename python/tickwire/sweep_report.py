# SPDX-License-Identifier: BSD-3-Clause
"""tickwire-sweep's Markdown report and its plots (matplotlib, Agg).

latency_png: send->cache percentiles against the offered rate (the
latency test's points, else every passing trial's), log scale, the knee
and the throughput marked. loss_png: the share lost against the offered
rate, every trial, by test, the throughput marked.
"""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

PCTS = (("p50", "p50"), ("p90", "p90"), ("p99", "p99"),
        ("p99_9", "p99.9"), ("max", "max"))
MARKERS = {"throughput": "o", "latency": "s", "loss": "^"}


def _mrate(x, _pos=None):
    return "%g" % (x / 1e6)


def _human_ns(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= div:
            return "%.3g %s" % (ns / div, unit)
    return "%d ns" % ns


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _title(doc, what):
    r = doc["record"]
    return "tickwire %s over %s: %s" % (what, r["target"],
                                        r["date"][:10])


def latency_png(doc):
    trials = doc["trials"]
    pts = [t for t in trials if t["test"] == "latency"]
    basis = "latency test"
    if not pts:
        # A burst has no offered rate: not on this axis.
        pts = [t for t in trials if t["result"] == "pass" and
               t["test"] != "back-to-back"]
        basis = "passing trials"
    pts = sorted((t for t in pts if t["latency_ns"].get("count")),
                 key=lambda t: t["offered_rate"])
    fig, ax = plt.subplots(figsize=(8, 4.8))
    if not pts:
        ax.text(0.5, 0.5, "no latency samples", ha="center",
                transform=ax.transAxes)
    xs = [t["offered_rate"] for t in pts]
    for key, label in PCTS:
        ys = [t["latency_ns"].get(key) for t in pts]
        if all(y for y in ys):
            ax.plot(xs, [y / 1e3 for y in ys], marker="o", ms=3.5,
                    label=label, lw=1.6 if key == "p99" else 1.0)
    ax.set_yscale("log")
    ax.set_xlabel("offered rate (M messages/s)")
    ax.set_ylabel("send->cache latency (us, log)")
    ax.xaxis.set_major_formatter(FuncFormatter(_mrate))
    ax.grid(True, which="both", alpha=0.25)
    knee = doc["results"].get("latency", {}).get("knee")
    if knee:
        ax.axvline(knee["rate"], color="tab:red", ls="--", lw=1)
        ax.annotate("knee %.3g M/s\np99 %s" % (knee["rate"] / 1e6,
                                               _human_ns(knee["p99_ns"])),
                    (knee["rate"], knee["p99_ns"] / 1e3),
                    xytext=(-8, 12), textcoords="offset points",
                    ha="right", color="tab:red", fontsize=9)
    tp = doc["results"].get("throughput")
    if tp and tp["found"]:
        ax.axvline(tp["rate"], color="tab:green", ls=":", lw=1)
        ax.text(tp["rate"], 0.02, " throughput", color="tab:green",
                transform=ax.get_xaxis_transform(), fontsize=9,
                ha="right", rotation=90, va="bottom")
    ax.set_title("%s (%s)" % (_title(doc, "send->cache latency"), basis),
                 fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return _png(fig)


def loss_png(doc):
    trials = doc["trials"]
    fig, ax = plt.subplots(figsize=(8, 4.8))
    said_short = False
    for test in ("throughput", "latency", "loss"):
        pts = sorted((t for t in trials if t["test"] == test),
                     key=lambda t: t["offered_rate"])
        if not pts:
            continue
        xs = [t["offered_rate"] for t in pts]
        ys = [100 * t["loss_ratio"] for t in pts]
        style = "-" if test == "loss" else ""
        ax.plot(xs, ys, style, marker=MARKERS[test], ms=5, lw=1,
                label="%s trials" % test, alpha=0.85)
        short = [t for t in pts if t["result"] == "short"]
        if short:
            # One legend entry for every test's short trials.
            ax.plot([t["offered_rate"] for t in short],
                    [100 * t["loss_ratio"] for t in short], "x",
                    color="black", ms=8, label=None if said_short else
                    "short: the generator could not send the rate")
            said_short = True
    ax.set_xlabel("offered rate (M messages/s)")
    ax.set_ylabel("messages lost (%)")
    ax.xaxis.set_major_formatter(FuncFormatter(_mrate))
    ax.grid(True, alpha=0.25)
    top = max((100 * t["loss_ratio"] for t in trials), default=0)
    # Nothing lost: zero at the bottom, not in the middle of the plot.
    ax.set_ylim(-0.02 * max(top, 1), max(top, 1) * 1.08)
    tp = doc["results"].get("throughput")
    if tp and tp["found"]:
        ax.axvline(tp["rate"], color="tab:green", ls=":", lw=1)
        ax.text(tp["rate"], 0.98, " throughput %.4g M/s" % (tp["rate"] / 1e6),
                color="tab:green", transform=ax.get_xaxis_transform(),
                fontsize=9, ha="left", va="top")
    ax.set_title(_title(doc, "loss against offered rate"), fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="center right")
    fig.tight_layout()
    return _png(fig)


def _g(n):
    return "{:,}".format(int(n)) if n is not None else "-"


def _us(ns):
    return "%.1f" % (ns / 1e3) if ns else "-"


def markdown(doc, lat_png, loss_png):
    r = doc["record"]
    res = doc["results"]
    out = ["# tickwire-sweep: %s over %s" % (
        ", ".join(res) or "nothing", r["target"]), ""]
    out += ["## Run record", "", "| | |", "|---|---|"]
    rows = [("date (UTC)", r["date"]), ("host", r["host"]),
            ("kernel", r["kernel"]), ("CPU", "%s (%s CPUs)" % (r["cpu"],
                                                               r["cpus"])),
            ("load average at the end", " ".join(
                "%.2f" % x for x in r["load_average"])),
            ("tickwire", "%s (%s)" % (r["tickwire"],
                                      r["tickwire_version"])),
            ("command", "`%s`" % r["command"]),
            ("criterion", r["criterion"]),
            ("trial", "%g s sending, then up to %g s for what is in flight"
             % (r["trial_duration_s"], r["drain_s"])),
            ("search", "%s to %s msgs/s, resolution %s, at most %d trials"
             % (_g(r["search"]["min_rate"]), _g(r["search"]["max_rate"]),
                _g(r["search"]["resolution"]), r["search"]["max_trials"])),
            ("generator.tx_retry_us", "the profile's" if r["tx_retry_us"]
             is None else str(r["tx_retry_us"])),
            ("elapsed", "%.1f s" % r.get("elapsed_s", 0))]
    for run in r["runs"]:
        end = next((e for e in r.get("ends", []) if e["role"] ==
                    run["role"]), {})
        rows.append(("%s run" % run["role"], "`%s` (exit %s)" % (
            " ".join(run["argv"]), end.get("status"))))
    out += ["| %s | %s |" % (k, str(v).replace("|", "\\|"))
            for k, v in rows]
    out.append("")
    out += ["## Results", ""]
    if "error" in doc:
        out += ["**Failed:** %s" % doc["error"], ""]
    tp = res.get("throughput")
    if tp:
        if tp["found"]:
            above = ("the search bound" if tp["at_search_bound"] else
                     "%s msgs/s failed (%s)" % (
                         _g(tp["lowest_failing_rate"]), tp["limited_by"]))
            out += ["**Throughput: %s msgs/s**, resolution %s msgs/s "
                    "(%d trials; above it: %s)%s." % (
                        _g(tp["rate"]), _g(tp["resolution"]), tp["trials"],
                        above, "" if tp["resolution_reached"] else
                        "; the trials ran out before the resolution asked "
                        "(%s)" % _g(tp["resolution_asked"])), ""]
        else:
            out += ["**Throughput: no rate passed** in %d trials." %
                    tp["trials"], ""]
    lat = res.get("latency")
    if lat:
        k = lat.get("knee")
        if k:
            said = ("knee at %s msgs/s (p99 %s us; from there on p99 stays "
                    "over 10 x the lowest below it, %s us)" % (
                        _g(k["rate"]), _us(k["p99_ns"]),
                        _us(k["floor_p99_ns"])))
        else:
            said = "no knee (p99 never stayed over 10 x its floor)"
        out += ["Latency at 10-100 %% of %s msgs/s: %s." % (
            _g(lat["rate"]), said), ""]
    bb = res.get("back_to_back")
    if bb:
        if bb["found"]:
            above = ("the search bound" if bb["at_search_bound"] else
                     "%s messages failed (%s)" % (
                         _g(bb["shortest_failing"]), bb["limited_by"]))
            out += ["**Back-to-back: %s messages** in one burst without "
                    "loss, resolution %s (%d trials; above it: %s)." % (
                        _g(bb["burst"]), _g(bb["resolution"]),
                        bb["trials"], above), ""]
        else:
            out += ["**Back-to-back: no burst passed** in %d trials." %
                    bb["trials"], ""]
    ls = res.get("loss")
    if ls:
        out += ["Frame loss from %s msgs/s down in 10 %% steps: %d trials."
                % (_g(ls["from_rate"]), len(ls["points"])), ""]
    out += ["![latency against offered rate](%s)" % lat_png, "",
            "![loss against offered rate](%s)" % loss_png, ""]
    out += ["## Trials", ""]
    if doc["record"].get("target") == "handler":
        out += ["An external feed handler: received and lost count the "
                "orders it sent back (one asked every so many quotes), "
                "and the percentiles are tick to trade, quote sent to "
                "order back, on the generator's clock.", ""]
    if doc["record"].get("target") == "sockrx":
        out += ["tickwire-sockrx is read through its 100 ms period lines: "
                "its percentiles are the worst period's of each trial, "
                "not the trial's own.", ""]
    out += ["| test | trial | offered msgs/s | sent msgs/s | received | "
            "lost | loss % | p50 us | p99 us | p99.9 us | max us | result |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
    for t in doc["trials"]:
        L = t["latency_ns"]
        out.append("| %s | %s | %s | %s | %s | %s | %.4g | %s | %s | %s | "
                   "%s | %s |" % (
                       t["test"], t["name"], _g(t["offered_rate"]),
                       _g(t["tx_msgs_per_s"]), _g(t["rx_msgs"]),
                       _g(t["lost_msgs"]), 100 * t["loss_ratio"],
                       _us(L.get("p50")), _us(L.get("p99")),
                       _us(L.get("p99_9")), _us(L.get("max")),
                       t["result"]))
    out += ["", "A trial: `/tickwire/rate,R`, `/tickwire/mark,NAME` (on "
            "each process), `/tickwire/resume`, the trial's seconds, "
            "`/tickwire/pause`, then the receiver's phase NAME is read until "
            "it has all that was sent. sent/received: the generator's and "
            "the receiver's messages in the phases named NAME; lost: "
            "the larger of sent - received and the receiver's gap "
            "messages. short: the generator sent less than the rate.", ""]
    return "\n".join(out)
