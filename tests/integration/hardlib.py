"""Shared helpers of the integration test drivers (difftest.py and the drivers that import this).

Builds on difftest.py (Target, run, Fail, check_error): a target is started by us, killed by
pid and reaped; nothing else is ever killed.  Standard library only.
"""
import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import difftest  # noqa: E402
from difftest import (Fail, PS_HEADER, SKIP, TARGETS, check_error, escape,  # noqa: E402,F401
                      exit_on_signals, proc_state, run, skip)

TREE_LINE = re.compile(r"^((?:    |│   )*)([└├])── (.*)$")


def run_main(prefix, body):
    """The end of every driver's main(): runs body(tmp) in a fresh temporary folder named
    prefix…, removes the folder whatever happens, and returns the exit status: 1 after
    "FAIL: <why>" when body raised Fail, 0 after "PASS" when it returned (skip() and the
    signals of exit_on_signals() leave as SystemExit)."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        body(tmp)
    except Fail as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")
    return 0


def driver_parser(doc):
    """The start of every driver's command line: described by the first paragraph of `doc`
    (its __doc__), with the --aps and --python every driver requires; the driver adds its own
    options and parses."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--aps", required=True)
    ap.add_argument("--python", required=True)
    return ap


def proc_status(pid, field, tid=None):
    """The value of `field` in /proc/PID/status (or its thread tid's); None if gone or absent."""
    path = "/proc/%d/status" % pid if tid is None else "/proc/%d/task/%d/status" % (pid, tid)
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def thread_tracer(pid, tid):
    """The pid tracing thread tid (0: none), or None when the thread is gone."""
    tracer = proc_status(pid, "TracerPid", tid)
    return None if tracer is None else int(tracer)


def check_resumed(target, who):
    """Every thread out of any stop and traced by nobody (the whole-process check too)."""
    check_unharmed(target, who)
    for tid in threads_of(target.pid):
        st, tracer = difftest.proc_state(target.pid, tid), thread_tracer(target.pid, tid)
        if st in ("T", "t") or tracer not in (0, None):
            raise Fail("thread %d of target %d after %s: state %r, TracerPid %r"
                       % (tid, target.pid, who, st, tracer))


def wait_for(what, predicate, timeout):
    """predicate()'s first true value, polled every 20 ms; Fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise Fail("timed out (%.0f s) waiting until %s" % (timeout, what))


def rate_totals(target):
    """The task totals a churn.py target has reported so far (its RATE lines)."""
    return [int(l.split()[2]) for l in list(target.lines) if l.startswith("RATE ")]


def check_unharmed(target, who="aps"):
    """The target still runs: not dead, zombie or stopped (state T/t), and not ptrace-attached."""
    target.check_unharmed(who)
    tracer = proc_status(target.pid, "TracerPid")
    if tracer != "0":
        raise Fail("target %d has TracerPid %r after %s ran" % (target.pid, tracer, who))


class DrainedTarget(difftest.Target):
    """A target that keeps writing to stdout after READY: a thread collects its lines."""

    def __init__(self, argv, env=None):
        super().__init__(argv, env=env)
        self.lines = []
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self):
        fd = self.proc.stdout.fileno()
        buf = b""
        while True:
            try:
                r, _, _ = select.select([fd], [], [], 0.5)
            except (OSError, ValueError):
                return
            if not r:
                if self.proc.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            *done, buf = buf.split(b"\n")
            self.lines.extend(l.decode("utf-8", "replace") for l in done)


class LineTarget(difftest.Target):
    """A target driven through its stdin: request() writes a line and reads one line back."""

    def __init__(self, argv, env=None):
        env = dict(os.environ if env is None else env, PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env,
                                     preexec_fn=difftest._pdeathsig)
        self.pid = self.proc.pid
        self._buf = b""
        line = self._readline(difftest.READY_TIMEOUT)
        if line != "READY":
            self.stop()
            raise Fail("target %d: expected READY, got %r; stderr:\n%s"
                       % (self.pid, line, self.stderr_text()))

    def _readline(self, timeout):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                return None
            r, _, _ = select.select([fd], [], [], min(left, 0.5))
            if r:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def request(self, text, timeout=60.0):
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()
        line = self._readline(timeout)
        if line is None:
            raise Fail("target %d did not answer %r" % (self.pid, text))
        return line

    def stop(self):
        try:
            self.proc.stdin.close()
        except Exception:
            pass
        super().stop()


def target_env(tmp, **extra):
    env = dict(os.environ, APS_TEST_ORACLE=os.path.join(tmp, "oracle.json"), **extra)
    env.pop("PYTHONPATH", None)
    return env


def threads_of(pid):
    try:
        return {int(t) for t in os.listdir("/proc/%d/task" % pid)}
    except OSError:
        return set()


# Runs argv[3:] in a mount namespace of its own where /root is a world-readable folder holding
# (bound) only the provisioned interpreters, whose paths start with /root/.cache: another user
# can then run them, and read their files through /proc/PID/root. With a uid in argv[3], as that
# user (setpriv). The process keeps its pid (exec all the way).
OPEN_ROOT = r"""
set -e
mkdir -p "$1/home/.cache/aps/pythons"
chmod -R 755 "$1/home"
mount --bind "$2" "$1/home/.cache/aps/pythons"
mount --rbind "$1/home" /root
uid=$3
shift 3
if [ -n "$uid" ]; then
    exec setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
fi
exec "$@"
"""


def open_root_argv(tmp, python, args, uid=None):
    """The argv that runs `python args...` (the provisioned interpreter) under OPEN_ROOT, as
    `uid` if given; skips where unshare --mount is not permitted."""
    unshare = shutil.which("unshare")
    if not unshare or subprocess.run([unshare, "--mount", "--propagation", "private", "true"],
                                     capture_output=True).returncode != 0:
        skip("unshare --mount is not permitted here")
    pythons = os.path.expanduser("~/.cache/aps/pythons")
    real = os.path.realpath(python)
    if not real.startswith(pythons + "/"):
        skip("%s is not under %s" % (real, pythons))
    folder = tempfile.mkdtemp(prefix="ns-", dir=tmp)
    return [unshare, "--mount", "--propagation", "private", "sh", "-c", OPEN_ROOT, "sh", folder,
            pythons, "" if uid is None else str(uid), real] + list(args)

