# SPDX-License-Identifier: BSD-3-Clause
"""tickwire-exporter: every tickwire's telemetry as OpenMetrics.

Each scrape of /metrics reads every telemetry socket under the runtime
directory (/var/run/dpdk/<prefix>/dpdk_telemetry.v2), as DPDK 24.03's
dpdk-telemetry-exporter does, and answers in the OpenMetrics text format:
counters (generator and RX per lcore, drops by reason, ports, channels),
gauges (rate, paused, phase, link) and send->cache latency as a histogram,
labelled by prefix, role, lcore, port and channel. A process that does not
answer shows as tickwire_up{prefix=...} 0; the exporter itself never
fails a scrape for it.
"""
import argparse
import http.server
import os
import sys

from .client import (RUNTIME_DIR, CommandError, Telemetry, TelemetryError,
                     find_sockets)

CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"
# Counters that are levels, not counts: exported as gauges.
GAUGES = {"lcore", "lcores", "expected_seq", "last_packet_age_ms", "ended",
          "recovering", "gaps_open", "link_up", "udp_port", "port"}


def esc(v):
    return str(v).replace("\\", "\\\\").replace("\n", "\\n").replace(
        '"', '\\"')


class Families:
    """Metric families in first-seen order: TYPE and HELP once each."""

    def __init__(self):
        self.fam = {}

    def add(self, name, kind, labels, value, help_="", suffix=None):
        f = self.fam.setdefault(name, {"kind": kind, "help": help_,
                                       "samples": []})
        if suffix is None:
            suffix = "_total" if kind == "counter" else ""
        lab = ",".join('%s="%s"' % (k, esc(v)) for k, v in labels.items())
        f["samples"].append("%s%s{%s} %s" % (name, suffix, lab, value))

    def text(self):
        out = []
        for name, f in self.fam.items():
            out.append("# TYPE %s %s" % (name, f["kind"]))
            if f["help"]:
                out.append("# HELP %s %s" % (name, f["help"]))
            out.extend(f["samples"])
        out.append("# EOF")
        return "\n".join(out) + "\n"


def metric_name(s):
    return "".join(c if c.isalnum() else "_" for c in s).lower()


def export_counters(fams, prefix, role, lcore, d, skip=()):
    for k, v in d.items():
        if not isinstance(v, int) or k in skip:
            continue
        kind = "gauge" if k in GAUGES else "counter"
        name = metric_name(k)
        if kind == "counter" and name.endswith("_total"):
            # OpenMetrics adds _total to a counter's samples itself.
            name = name[:-len("_total")]
        fams.add("tickwire_%s_%s" % (role, name), kind,
                 {"prefix": prefix, "role": role, "lcore": lcore}, v)


def scrape_one(fams, prefix, path, timeout):
    """One process's metrics; False when it does not answer."""
    try:
        with Telemetry(prefix, path=path, timeout=timeout) as t:
            try:
                stats = t.stats()
            except CommandError:
                # A DPDK process that is not a tickwire: up, no figures.
                fams.add("tickwire_up", "gauge", {"prefix": prefix}, 1)
                return True
            got = {}
            for name in ("control", "histogram", "ports", "channels"):
                try:
                    got[name] = t.query("/tickwire/" + name)
                except CommandError:
                    got[name] = None
    except (TelemetryError, OSError):
        return False
    fams.add("tickwire_up", "gauge", {"prefix": prefix}, 1,
             "1: the process answered this scrape")
    fams.add("tickwire_elapsed_seconds", "gauge", {"prefix": prefix},
             stats.get("elapsed_ms", 0) / 1000.0)
    g = stats.get("generator")
    if g:
        export_counters(fams, prefix, "generator", g.get("lcore", ""), g,
                        skip=("lcore", "lcores"))
    for k, v in stats.items():
        if k.startswith("rx_lcore_"):
            export_counters(fams, prefix, "rx", v.get("lcore", ""), v,
                            skip=("lcore",))
    for reason, n in (stats.get("drops") or {}).items():
        fams.add("tickwire_rx_drops_by_reason", "counter",
                 {"prefix": prefix, "role": "rx", "reason": reason}, n)
    ctl, hist = got["control"], got["histogram"]
    ports, chans = got["ports"], got["channels"]
    if ctl:
        lab = {"prefix": prefix}
        fams.add("tickwire_offered_rate", "gauge", lab, ctl["rate"],
                 "messages/s asked of the generator (0: unlimited)")
        fams.add("tickwire_paused", "gauge", lab, ctl["paused"])
        fams.add("tickwire_phase", "gauge", dict(lab, name=ctl[
            "phase_name"]), ctl["phase"])
        fams.add("tickwire_control_commands", "counter", lab,
                 ctl["commands"])
        fams.add("tickwire_control_refused", "counter", lab,
                 ctl["refused"])
    for p in (ports or {}).values():
        lab = {"prefix": prefix, "port": p.get("port"),
               "name": p.get("name", "")}
        for k, v in p.items():
            if isinstance(v, int) and k != "port":
                fams.add("tickwire_port_" + metric_name(k),
                         "gauge" if k in GAUGES else "counter", lab, v)
    for c, ch in (chans or {}).items():
        if not c.isdigit():
            continue
        lab = {"prefix": prefix, "role": "rx", "channel": c,
               "group": ch.get("group", ""), "port": ch.get("udp_port")}
        for k, v in ch.items():
            if isinstance(v, int) and k != "udp_port":
                fams.add("tickwire_channel_" + metric_name(k),
                         "gauge" if k in GAUGES else "counter", lab, v)
    if hist and stats.get("rx_total"):
        name = "tickwire_send_cache_latency_seconds"
        lab = {"prefix": prefix, "role": "rx", "span": "send->cache"}
        les = sorted((int(k[3:]), v) for k, v in hist.items()
                     if k.startswith("le_"))
        for le, v in les:
            fams.add(name, "histogram", dict(lab, le=repr(le / 1e9)),
                     v, "send -> cache updated, every RX lcore",
                     suffix="_bucket")
        fams.add(name, "histogram", dict(lab, le="+Inf"), hist["count"],
                 suffix="_bucket")
        fams.add(name, "histogram", lab, hist["count"], suffix="_count")
        fams.add(name, "histogram", lab, hist["sum_ns"] * 1e-9,
                 suffix="_sum")
    return True


def scrape(runtime_dir=RUNTIME_DIR, sockets=(), timeout=1.0):
    """The /metrics text for every telemetry socket found (and given)."""
    fams = Families()
    targets = find_sockets(runtime_dir)
    for s in sockets:
        targets[os.path.basename(os.path.dirname(s)) or s] = s
    for prefix, path in sorted(targets.items()):
        if not scrape_one(fams, prefix, path, timeout):
            fams.add("tickwire_up", "gauge", {"prefix": prefix}, 0,
                     "1: the process answered this scrape")
    fams.add("tickwire_exporter_targets", "gauge", {}, len(targets))
    return fams.text()


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "tickwire-exporter"

    def do_GET(self):
        if self.path.split("?")[0] != "/metrics":
            self.send_error(404, "try /metrics")
            return
        try:
            body = scrape(self.server.runtime_dir, self.server.sockets,
                          self.server.timeout_s).encode()
        except Exception as e:  # a bug: say so, keep serving
            self.send_error(500, "scrape failed: %s" % e)
            return
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("tickwire-exporter: %s\n" % (fmt % args))


def make_server(listen="127.0.0.1", port=9479, runtime_dir=RUNTIME_DIR,
                sockets=(), timeout=1.0, verbose=False):
    srv = http.server.ThreadingHTTPServer((listen, port), Handler)
    srv.daemon_threads = True
    srv.runtime_dir = runtime_dir
    srv.sockets = list(sockets)
    srv.timeout_s = timeout
    srv.verbose = verbose
    return srv


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="tickwire-exporter",
        description="Serve every tickwire's telemetry as OpenMetrics on "
        "/metrics for Prometheus.")
    ap.add_argument("--listen", default="127.0.0.1",
                    help="address to serve on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=9479,
                    help="TCP port (default 9479; 0: any, printed)")
    ap.add_argument("--runtime-dir", default=RUNTIME_DIR,
                    help="where DPDK processes keep their telemetry "
                    "sockets (default /var/run/dpdk)")
    ap.add_argument("--socket", action="append", default=[],
                    help="also read this telemetry socket (repeatable)")
    ap.add_argument("--timeout", type=float, default=1.0,
                    help="seconds a process has to answer (default 1)")
    ap.add_argument("--once", action="store_true",
                    help="print one scrape to standard output and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if a.once:
        sys.stdout.write(scrape(a.runtime_dir, a.socket, a.timeout))
        return 0
    try:
        srv = make_server(a.listen, a.port, a.runtime_dir, a.socket,
                          a.timeout, a.verbose)
    except OSError as e:
        print("tickwire-exporter: %s:%d: %s" % (a.listen, a.port,
                                                e.strerror),
              file=sys.stderr)
        return 1
    print("tickwire-exporter: serving http://%s:%d/metrics" %
          srv.server_address[:2], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
