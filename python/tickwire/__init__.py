# SPDX-License-Identifier: BSD-3-Clause
"""Drive tickwire from Python (standard library only).

    from tickwire import Tickwire

    with Tickwire(profile="loopback.ini", args=["--rate", "200000"]) as tw:
        tw.telemetry.rate(500000)
        tw.telemetry.mark("warm")
        result = tw.stop()
    print(result.status, result.stats["phases"])

client.py: the telemetry socket (query and control) and a tickwire run
as a child process; sweep.py: RFC 2544 throughput, latency and frame loss on one run
(tickwire-sweep), sweep_report.py its Markdown and plots;
exporter.py: OpenMetrics for Prometheus (tickwire-exporter).
"""
from .client import (  # noqa: F401
    CommandError, Result, RunError, StartError, TelemetryError, Telemetry,
    Tickwire, TickwireError, TimeoutError_, find_sockets, socket_path,
)

__all__ = [
    "CommandError", "Result", "RunError", "StartError", "TelemetryError",
    "Telemetry", "Tickwire", "TickwireError", "TimeoutError_",
    "find_sockets", "socket_path",
]
