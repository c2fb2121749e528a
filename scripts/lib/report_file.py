# SPDX-License-Identifier: BSD-3-Clause
"""Report files written by the rules every tickwire binary and script
follows, so writing a report never harms what its path points at:

- a path that exists and is not a regular file (a FIFO, a character
  device) is opened and written in place, never replaced;
- a symlink stays a symlink: its target is what gets written;
- "-" means standard output (where the caller allows it);
- a regular file (or a new one) is written to a temporary file created
  exclusively, never through a symlink (O_CREAT|O_EXCL|O_NOFOLLOW),
  beside the target, then renamed over it: a reader never sees half a
  file and a full disk never leaves one;
- a path that cannot be written is refused before any work (check()).

As a command, for the shell scripts:
    python3 report_file.py check PATH...      exit 1 with one line if not
    python3 report_file.py install SRC PATH   SRC's bytes into PATH
"""
import os
import stat
import sys


class ReportError(Exception):
    """One line naming the path and why."""


def _target(path):
    """The file a write of path lands in: a symlink's final target."""
    return os.path.realpath(path) if os.path.islink(path) else path


def _in_place(path):
    """True for a path written where it is (FIFO, device, socket)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISDIR(st.st_mode):
        raise ReportError("%s: is a directory" % path)
    return not stat.S_ISREG(st.st_mode)


def check(path):
    """Raise ReportError when path could not be written."""
    try:
        _check(path)
    except OSError as e:
        raise ReportError("%s: %s" % (path, e.strerror or e))


def _check(path):
    if path == "-":
        return
    if path == "":
        raise ReportError("an empty path")
    target = _target(path)
    if _in_place(target) or os.path.exists(target):
        if not os.access(target, os.W_OK):
            raise ReportError("%s: not writable" % path)
        if not _in_place(target) and not os.access(
                os.path.dirname(os.path.abspath(target)), os.W_OK):
            raise ReportError("%s: its directory is not writable (the "
                              "file is replaced whole)" % path)
        return
    d = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(d):
        raise ReportError("%s: no directory %s" % (path, d))
    if not os.access(d, os.W_OK | os.X_OK):
        raise ReportError("%s: directory %s is not writable" % (path, d))


def write(path, data):
    """Write data (bytes) to path by the rules; ReportError if not."""
    if path == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = _target(path)
    try:
        if _in_place(target):
            fd = os.open(target, os.O_WRONLY)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            return
        _replace(target, data)
    except OSError as e:
        raise ReportError("%s: %s" % (path, e.strerror or e))


def _replace(target, data):
    d, base = os.path.split(os.path.abspath(target))
    mode = None
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        pass
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    for n in range(100):
        tmp = os.path.join(d, ".%s.tmp-%d-%d" % (base, os.getpid(), n))
        try:
            fd = os.open(tmp, flags, 0o600)
            break
        except FileExistsError:
            continue    # someone else's, or planted: never reused
    else:
        raise OSError(0, "no free temporary name beside it")
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            # The umask applies to a new file, as with open(); an
            # existing file keeps its mode.
            if mode is None:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _main(argv):
    name = "report_file"
    try:
        if len(argv) >= 2 and argv[0] == "check":
            for p in argv[1:]:
                check(p)
            return 0
        if len(argv) == 3 and argv[0] == "install":
            with open(argv[1], "rb") as f:
                data = f.read()
            write(argv[2], data)
            return 0
    except ReportError as e:
        print("%s: %s" % (os.environ.get("TW_SCRIPT", name), e),
              file=sys.stderr)
        return 1
    except OSError as e:
        print("%s: %s: %s" % (os.environ.get("TW_SCRIPT", name),
                              e.filename, e.strerror), file=sys.stderr)
        return 1
    print("usage: report_file.py check PATH... | install SRC PATH",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
