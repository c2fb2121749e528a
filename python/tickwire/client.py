# SPDX-License-Identifier: BSD-3-Clause
"""The tickwire client: telemetry (query and control) and a run as a child.

Telemetry is DPDK's own socket, /var/run/dpdk/<prefix>/dpdk_telemetry.v2
(SOCK_SEQPACKET): one JSON greeting, then one JSON answer per command, as
dpdk-telemetry.py speaks it. Tickwire answers a refused control command
with {"error": ...}; this client raises CommandError for it.

A Tickwire object is one run: its own DPDK file prefix, its stats JSON in
its own directory, a process group of its own; stopped (telemetry, then
SIGTERM, then SIGKILL) and cleaned up on every exit path: the with block,
close(), garbage collection, and the interpreter's exit.
"""
import atexit
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref

RUNTIME_DIR = "/var/run/dpdk"
SOCKET_NAME = "dpdk_telemetry.v2"
HUGEPAGE_DIRS = ("/dev/hugepages", "/mnt/huge")

# tickwire's exit statuses (README "Exit status").
EXIT_WHOLE, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_WHOLE = 0, 1, 2, 3


class TickwireError(Exception):
    """Anything this client raises."""


class TelemetryError(TickwireError):
    """The telemetry socket: absent, refused, closed, or an odd answer."""


class CommandError(TelemetryError):
    """tickwire refused a command: {"error": reason}."""

    def __init__(self, command, reason):
        super().__init__("%s: %s" % (command, reason))
        self.command = command
        self.reason = reason


class StartError(TickwireError):
    """The run did not come up (exited, or no telemetry in time)."""

    def __init__(self, msg, status=None, output=""):
        super().__init__(msg)
        self.status = status
        self.output = output


class RunError(TickwireError):
    """The run failed (exit 1) or was a usage error (exit 2)."""

    def __init__(self, msg, status, output=""):
        super().__init__(msg)
        self.status = status
        self.output = output


class TimeoutError_(TickwireError):
    """Something did not happen in the time given."""


def socket_path(prefix, runtime_dir=RUNTIME_DIR):
    return os.path.join(runtime_dir, prefix, SOCKET_NAME)


def find_sockets(runtime_dir=RUNTIME_DIR):
    """{prefix: socket path} of every DPDK process's telemetry socket."""
    found = {}
    for p in sorted(glob.glob(os.path.join(runtime_dir, "*", SOCKET_NAME))):
        found[os.path.basename(os.path.dirname(p))] = p
    return found


class Telemetry:
    """One connection to a DPDK process's telemetry socket."""

    def __init__(self, prefix=None, path=None, timeout=5.0,
                 runtime_dir=RUNTIME_DIR):
        if path is None:
            if prefix is None:
                raise ValueError("give a file prefix or a socket path")
            path = socket_path(prefix, runtime_dir)
        self.path = path
        self.prefix = prefix
        self.timeout = timeout
        self.sock = None
        self.info = None
        self.max_len = 16384

    def connect(self):
        if self.sock is not None:
            return self
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(self.timeout)
        try:
            s.connect(self.path)
            greeting = s.recv(4096)
        except OSError as e:
            s.close()
            raise TelemetryError("%s: %s" % (self.path, e)) from e
        try:
            self.info = json.loads(greeting.decode())
            self.max_len = int(self.info.get("max_output_len", 16384))
        except (ValueError, AttributeError) as e:
            s.close()
            raise TelemetryError("%s: no telemetry greeting" % self.path) \
                from e
        self.sock = s
        return self

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def __enter__(self):
        return self.connect()

    def __exit__(self, *exc):
        self.close()

    def raw(self, command):
        """The whole answer of one command, as sent ({command: value})."""
        self.connect()
        try:
            self.sock.send(command.encode())
            data = self.sock.recv(self.max_len + 1024)
        except OSError as e:
            self.close()
            raise TelemetryError("%s: %s: %s" % (self.path, command, e)) \
                from e
        if not data:
            self.close()
            raise TelemetryError("%s: closed (the process ended?)"
                                 % self.path)
        try:
            return json.loads(data.decode())
        except ValueError as e:
            raise TelemetryError("%s: not JSON" % command) from e

    def query(self, command, param=None):
        """The value a command answers; CommandError for {"error": ...}."""
        cmd = command if param is None else "%s,%s" % (command, param)
        ans = self.raw(cmd)
        base = cmd.split(",", 1)[0]
        if not isinstance(ans, dict) or base not in ans:
            raise TelemetryError("%s: unexpected answer %r" % (cmd, ans))
        value = ans[base]
        if value is None:
            raise CommandError(cmd, "no such command, or it failed")
        if isinstance(value, dict) and "error" in value:
            raise CommandError(cmd, value["error"])
        return value

    # tickwire's read-only commands
    def stats(self):
        return self.query("/tickwire/stats")

    def latency(self):
        return self.query("/tickwire/latency")

    def channels(self):
        return self.query("/tickwire/channels")

    def ports(self):
        return self.query("/tickwire/ports")

    def control(self):
        return self.query("/tickwire/control")

    def phases(self):
        """The phases so far, a list (the running one last, open=1)."""
        v = self.query("/tickwire/phases")
        return [v[k] for k in sorted((k for k in v if k.isdigit()),
                                     key=int)]

    # control
    def rate(self, msgs_per_s):
        return self.query("/tickwire/rate", int(msgs_per_s))

    def pause(self):
        return self.query("/tickwire/pause")

    def burst(self, messages):
        """From paused: messages back to back, then paused again."""
        return self.query("/tickwire/burst", int(messages))

    def resume(self):
        return self.query("/tickwire/resume")

    def mark(self, name):
        return self.query("/tickwire/mark", name)

    def faults(self, **kv):
        return self.query("/tickwire/faults", ",".join(
            "%s=%s" % (k, v) for k, v in kv.items()))

    def stop(self):
        return self.query("/tickwire/stop")


class Result:
    """How a run ended: its exit status, stats JSON and output."""

    def __init__(self, status, stats, output, stats_path):
        self.status = status
        self.stats = stats
        self.output = output
        self.stats_path = stats_path

    @property
    def whole(self):
        return self.status == EXIT_WHOLE

    def phases(self, opened_by=None, name=None):
        ph = (self.stats or {}).get("phases", [])
        return [p for p in ph
                if (opened_by is None or p["opened_by"] == opened_by) and
                (name is None or p["name"] == name)]


_live = weakref.WeakSet()
_counter = [0]


def _cleanup_all():
    for tw in list(_live):
        tw.close()


atexit.register(_cleanup_all)


def read_log(path):
    """What a child process wrote to its log so far ("" if none)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def default_binary():
    """tickwire beside this package's tree (a build), else on PATH."""
    env = os.environ.get("TICKWIRE")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.path.join(here, "..", "..", "build", "app", "tickwire",
                              "tickwire"),):
        if os.access(cand, os.X_OK):
            return os.path.normpath(cand)
    return shutil.which("tickwire") or "tickwire"


class Tickwire:
    """One tickwire run as a child process.

    profile: an INI file; args: tickwire options (after --); eal: EAL
    options (they replace the profile's of the same name); prefix: the
    DPDK file prefix (default: one of its own). The stats JSON and the
    output go to workdir (default: a temporary directory, removed by
    close() unless keep=True).
    """

    def __init__(self, profile=None, args=(), eal=(), prefix=None,
                 binary=None, workdir=None, keep=False, env=None,
                 stats_json=True):
        _counter[0] += 1
        self.binary = binary or default_binary()
        self.profile = profile
        self.args = list(args)
        self.eal = list(eal)
        self.prefix = prefix or "twpy%d_%d" % (os.getpid() % 100000,
                                               _counter[0])
        self.own_dir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="tickwire-")
        self.keep = keep
        self.env = env
        self.stats_path = (os.path.join(self.workdir, self.prefix +
                                        "-stats.json")
                           if stats_json else None)
        self.log_path = os.path.join(self.workdir, self.prefix + ".log")
        self.proc = None
        self.real_prefix = None
        self._tel = None
        self._log = None
        self.result = None
        self._lock = threading.Lock()

    # the process
    def argv(self):
        argv = [self.binary, "--file-prefix=" + self.prefix] + self.eal
        argv.append("--")
        if self.profile:
            argv += ["--config", self.profile]
        if self.stats_path:
            argv += ["--stats-json", self.stats_path]
        return argv + self.args

    def start(self, timeout=60.0):
        """Start it; return once its run has begun (telemetry answers and
        says so). StartError."""
        if self.proc is not None:
            raise TickwireError("already started")
        self._log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(
            self.argv(), stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, env=self.env,
            start_new_session=True)
        _live.add(self)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                out = self.output()
                self.close()
                raise StartError("tickwire exited with status %d while "
                                 "starting:\n%s" % (self.proc.returncode,
                                                    out[-2000:]),
                                 self.proc.returncode, out)
            if self.real_prefix is None:
                m = re.search(r"^tickwire: file prefix (\S+);",
                              self.output(), re.M)
                if m:
                    self.real_prefix = m.group(1)
            if self.real_prefix is not None:
                try:
                    # Telemetry answers during set-up already; a
                    # command needs the run to have begun.
                    if self.telemetry.control().get("state") != "starting":
                        return self
                except TelemetryError:
                    pass
            if time.monotonic() > deadline:
                out = self.output()
                self.close()
                raise StartError("no telemetry from tickwire within %.0f s"
                                 ":\n%s" % (timeout, out[-2000:]),
                                 None, out)
            time.sleep(0.1)

    def output(self):
        return read_log(self.log_path)

    @property
    def telemetry(self):
        if self._tel is None:
            if self.real_prefix is None:
                raise TelemetryError("not started")
            self._tel = Telemetry(self.real_prefix)
        return self._tel

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait(self, timeout=None):
        """Wait for the end; the Result. RunError for exit 1 or 2."""
        if self.proc is None:
            raise TickwireError("not started")
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired as e:
            raise TimeoutError_("tickwire still running after %s s"
                                % timeout) from e
        if self._tel is not None:
            self._tel.close()
        stats = None
        if self.stats_path and os.path.exists(self.stats_path):
            try:
                with open(self.stats_path) as f:
                    stats = json.load(f)
            except ValueError:
                stats = None
        self.result = Result(status, stats, self.output(), self.stats_path)
        if status in (EXIT_FAILED, EXIT_USAGE) or status < 0:
            raise RunError("tickwire exited with status %d:\n%s"
                           % (status, self.result.output[-2000:]), status,
                           self.result.output)
        return self.result

    def stop(self, timeout=60.0):
        """/tickwire/stop (SIGTERM if telemetry cannot), then wait."""
        if self.running():
            try:
                self.telemetry.stop()
            except TelemetryError:
                self.signal(signal.SIGTERM)
        return self.wait(timeout)

    def signal(self, sig):
        if self.running():
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def close(self):
        """Make sure it is gone, and its files; safe to call again."""
        with self._lock:
            if self._tel is not None:
                self._tel.close()
            if self.proc is not None and self.proc.poll() is None:
                # First signal: a clean end; second: at once; then KILL.
                for sig, wait in ((signal.SIGTERM, 10),
                                  (signal.SIGTERM, 5),
                                  (signal.SIGKILL, 5)):
                    self.signal(sig)
                    try:
                        self.proc.wait(wait)
                        break
                    except subprocess.TimeoutExpired:
                        continue
            if self.proc is not None:
                self._remove_leftovers()
            if self._log is not None:
                self._log.close()
                self._log = None
            _live.discard(self)
            if self.own_dir and not self.keep:
                shutil.rmtree(self.workdir, ignore_errors=True)

    def _remove_leftovers(self):
        """A killed process leaves its hugepage files and runtime dir."""
        pfx = self.real_prefix or self.prefix
        if self.proc.poll() is None or not re.fullmatch(r"[\w.-]+", pfx):
            return
        for d in HUGEPAGE_DIRS:
            for f in glob.glob(os.path.join(d, pfx + "map_*")):
                try:
                    os.unlink(f)
                except OSError:
                    pass
        rd = os.path.join(RUNTIME_DIR, pfx)
        if os.path.isdir(rd):
            shutil.rmtree(rd, ignore_errors=True)

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
