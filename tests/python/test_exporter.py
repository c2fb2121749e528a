# SPDX-License-Identifier: BSD-3-Clause
"""tickwire-exporter, scraped by Debian's real Prometheus during a run."""
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest

from tickwire import Tickwire
from tickwire.exporter import make_server, scrape


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def run_dir(tmp_path, tw_bin, out_dir):
    """A runtime dir of our own: the run's socket and a dead one."""
    rd = tmp_path / "dpdk"
    with Tickwire(binary=tw_bin, workdir=out_dir,
                  args=["--rate", "100000", "--duration", "0",
                        "--quiet"]) as tw:
        (rd / tw.real_prefix).mkdir(parents=True)
        os.symlink("/var/run/dpdk/%s/dpdk_telemetry.v2" % tw.real_prefix,
                   rd / tw.real_prefix / "dpdk_telemetry.v2")
        dead = rd / "dead" / "dpdk_telemetry.v2"
        dead.parent.mkdir()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.bind(str(dead))
        s.close()       # the file stays, nobody listens: a dead target
        yield tw, str(rd)


@pytest.fixture
def exporter(run_dir):
    tw, rd = run_dir
    srv = make_server(port=0, runtime_dir=rd)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield tw, srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def test_a_dead_socket_is_a_target_down_not_a_crash(run_dir):
    tw, rd = run_dir
    text = scrape(rd)
    assert 'tickwire_up{prefix="dead"} 0' in text
    assert 'tickwire_up{prefix="%s"} 1' % tw.real_prefix in text
    assert text.endswith("# EOF\n")


@pytest.fixture
def prometheus(tmp_path, exporter):
    """Debian's prometheus, its own data dir and port; always killed."""
    tw, eport = exporter
    binary = shutil.which("prometheus")
    assert binary, "prometheus is not installed (scripts/setup.sh)"
    port = free_port()
    cfg = tmp_path / "prometheus.yml"
    cfg.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: tickwire\n"
        "    static_configs:\n      - targets: ['127.0.0.1:%d']\n" % eport)
    log = open(tmp_path / "prometheus.log", "w")
    p = subprocess.Popen([binary, "--config.file=%s" % cfg,
                          "--storage.tsdb.path=%s" % (tmp_path / "tsdb"),
                          "--web.listen-address=127.0.0.1:%d" % port],
                         stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True)
    try:
        yield tw, port, p
    finally:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)
        log.close()


def query(port, q):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (
        port, urllib.parse.urlencode({"query": q}))
    with urllib.request.urlopen(url, timeout=5) as r:
        ans = json.load(r)
    assert ans["status"] == "success", ans
    return ans["data"]["result"]


def wait_for(port, q, p, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert p.poll() is None, "prometheus exited"
        try:
            res = query(port, q)
            if res:
                return res
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("no answer to %s in %d s" % (q, timeout))


def test_prometheus_reads_a_counter_and_a_latency_quantile(prometheus):
    tw, port, p = prometheus
    pfx = tw.real_prefix
    msgs = wait_for(port, 'tickwire_rx_messages_total{prefix="%s"}' % pfx,
                    p)
    assert msgs[0]["metric"]["role"] == "rx"
    assert float(msgs[0]["value"][1]) > 0
    q99 = wait_for(port, 'histogram_quantile(0.99, rate('
                   'tickwire_send_cache_latency_seconds_bucket{prefix="%s"}'
                   '[5s]))' % pfx, p)
    v = float(q99[0]["value"][1])
    assert 0 < v < 20, v
    down = wait_for(port, 'tickwire_up{prefix="dead"}', p)
    assert float(down[0]["value"][1]) == 0
    res = tw.stop()
    assert res.status == 0
