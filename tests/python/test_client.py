# SPDX-License-Identifier: BSD-3-Clause
"""The Python client: typed errors, and clean-up on every exit path."""
import glob
import os
import subprocess
import sys

import pytest

from tickwire import (CommandError, StartError, Telemetry, TelemetryError,
                      Tickwire, TimeoutError_)


def leftovers(prefix):
    return glob.glob("/dev/hugepages/%smap_*" % prefix) + \
        glob.glob("/var/run/dpdk/%s" % prefix)


def test_a_usage_error_is_a_start_error_with_status_2(tw_bin, out_dir):
    tw = Tickwire(binary=tw_bin, workdir=out_dir, args=["--rate", "fast"])
    with pytest.raises(StartError) as e:
        tw.start()
    assert e.value.status == 2
    assert "rate" in e.value.output


def test_no_socket_is_a_telemetry_error():
    with pytest.raises(TelemetryError):
        Telemetry("no-such-prefix-here").control()


def test_an_unknown_command_is_a_command_error(tw_bin, out_dir):
    with Tickwire(binary=tw_bin, workdir=out_dir,
                  args=["--duration", "0", "--quiet"]) as tw:
        with pytest.raises(CommandError):
            tw.telemetry.query("/tickwire/no-such")
        assert tw.telemetry.stats()["generator"]["ticks"] >= 0
        with pytest.raises(TimeoutError_):
            tw.wait(0.5)
        assert tw.stop().status == 0


def test_close_kills_the_run_and_leaves_no_files(tw_bin, out_dir):
    tw = Tickwire(binary=tw_bin, workdir=out_dir,
                  args=["--duration", "0", "--quiet"]).start()
    prefix = tw.real_prefix
    assert leftovers(prefix)
    tw.close()
    assert not tw.running()
    assert not leftovers(prefix)


def test_a_script_that_dies_leaves_nothing_running(tw_bin, src_dir):
    """An exception ends the script: atexit stops its tickwire."""
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from tickwire import Tickwire\n"
            "tw = Tickwire(binary=%r, args=['--duration', '0', '--quiet'])\n"
            "tw.start(); print(tw.real_prefix, tw.proc.pid, flush=True)\n"
            "raise SystemExit('boom')\n" % (os.path.join(src_dir, "python"),
                                             tw_bin))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True, timeout=120)
    prefix, pid = p.stdout.split()
    assert p.returncode == 1
    assert not os.path.exists("/proc/%s" % pid) or \
        open("/proc/%s/stat" % pid).read().split()[2] == "Z"
    assert not leftovers(prefix)
