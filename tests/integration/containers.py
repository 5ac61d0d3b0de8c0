#!/usr/bin/env python3
"""Targets in their own namespaces (containers), read by aps from the host with the host pid.

    containers.py --aps PATH --python PATH --case pid_ns|mount_ns_hidden|container

pid_ns           `unshare --pid --fork --mount-proc`: the target is pid 1 of its own PID
                 namespace. aps from the host (host pid) prints the same bytes as the reference
                 from the host and as the reference run inside the namespace (`nsenter`, pid 1):
                 the tid column is the thread id as the target sees it.
mount_ns_hidden  `unshare --mount`: the interpreter tree is bind-mounted at a path that does not
                 exist on the host, and once the target is READY a tmpfs is mounted over that
                 path inside the namespace, so the path in its maps names nothing anywhere, not
                 even through /proc/PID/root. aps reads it (through /proc/PID/map_files); its
                 output equals the reference's, run inside the namespace before the tmpfs.
container        both at once (PID and mount namespace, tree hidden after start); aps from the
                 host with the host pid, and aps run inside with `nsenter -t PID -m -p` and the
                 namespace's pid, both equal the reference run inside before the tmpfs.
Each case runs ps and pstree on targets/taskgroups_nested.py. We start the target (through
unshare --kill-child) and kill only it, by pid. Exit 0 pass, 1 fail, 77 skip (unshare or
nsenter missing or not permitted).
"""
import os
import shutil
import signal
import subprocess
import sys
import time

from hardlib import (TARGETS, Fail, difftest, driver_parser, proc_state, proc_status, run, run_main,
                     skip, target_env)

CASES = ["pid_ns", "mount_ns_hidden", "container"]
COMMANDS = ("ps", "pstree")
TARGET = os.path.join(TARGETS, "taskgroups_nested.py")


def need(tool, *probe):
    path = shutil.which(tool)
    if not path:
        skip("%s is missing (util-linux)" % tool)
    if probe and subprocess.run([path, *probe], capture_output=True).returncode != 0:
        skip("`%s %s` is not permitted here" % (tool, " ".join(probe)))
    return path


def inner_pid_of(unshare_pid):
    """The host pid of the process unshare --fork started (its only child)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/task/%d/children" % (unshare_pid, unshare_pid)) as f:
                kids = f.read().split()
        except OSError:
            kids = []
        if kids:
            return int(kids[0])
        time.sleep(0.05)
    raise Fail("unshare (pid %d) started no child" % unshare_pid)


def ns_pid(pid):
    """The pid of `pid` in its own (innermost) PID namespace."""
    nspid = proc_status(pid, "NSpid")
    if not nspid:
        raise Fail("no NSpid line for %d" % pid)
    return int(nspid.split()[-1])


class NsTarget(difftest.Target):
    """unshare ... sh -c SCRIPT; the python it starts is self.inner (host pid)."""

    def __init__(self, argv, env):
        self.inner = None
        super().__init__(argv, env=env, wait_ready=False)
        try:
            self.inner = inner_pid_of(self.pid)
            self._wait_ready()
        except Fail:
            self.stop()
            raise

    def stop(self):
        if self.inner is not None:
            try:
                os.kill(self.inner, signal.SIGKILL)
            except ProcessLookupError:
                pass
        super().stop()


def reads(args, pid, via=()):
    """aps ps and pstree on `pid`, optionally through a command prefix (nsenter)."""
    return {c: run([*via, args.aps, c, str(pid)]) for c in COMMANDS}


def reference(args, python, pid, via=(), env=None):
    return {c: run([*via, python, "-m", "asyncio", c, str(pid)], env=env) for c in COMMANDS}


def require_same(what, expected, actual, exp_name, act_name):
    for c in COMMANDS:
        e, a = expected[c], actual[c]
        if e[0] != 0:
            raise Fail("%s: %s %s failed (exit %d): %r" % (what, exp_name, c, e[0], e[1] + e[2]))
        if a[0] != 0 or a[2]:
            raise Fail("%s: %s %s: exit %d, stderr %r" % (what, act_name, c, a[0], a[2]))
        difftest.require_equal("%s: %s stdout" % (what, c), e[1], a[1], exp_name, act_name)
    print("%s: %s ps/pstree = %s (%d, %d bytes)"
          % (what, act_name, exp_name, len(actual["ps"][1]), len(actual["pstree"][1])))


def python_tree(python):
    """(root holding usr/, the interpreter's path relative to it)."""
    real = os.path.realpath(python)
    usr = os.path.dirname(os.path.dirname(real))
    root = os.path.dirname(usr)
    return root, os.path.relpath(real, root)


def start_hidden(args, tmp, pid_ns):
    """The interpreter tree bind-mounted at tmp/only-inside in a new mount namespace (and PID
    namespace if asked): returns (target, hidden dir, interpreter path inside)."""
    unshare = need("unshare", "--mount", "--propagation", "private", "true")
    root, rel = python_tree(args.python)
    hidden = os.path.join(tmp, "only-inside")
    os.makedirs(hidden)
    inner_python = os.path.join(hidden, rel)
    ns = ["--pid", "--fork", "--kill-child", "--mount-proc"] if pid_ns else ["--fork",
                                                                             "--kill-child"]
    argv = [unshare, "--mount", "--propagation", "private", *ns, "sh", "-c",
            'mount --bind "$1" "$2" && exec "$3" "$4"', "sh", root, hidden, inner_python, TARGET]
    env = target_env(tmp, PYTHONHOME=os.path.join(hidden, "usr"))
    target = NsTarget(argv, env)
    if os.path.exists(inner_python):
        target.stop()
        raise Fail("%s is visible outside the namespace" % inner_python)
    return target, hidden, inner_python, env


def hide(target, hidden):
    """Mounts a tmpfs over `hidden` inside the target's mount namespace."""
    nsenter = need("nsenter")
    res = run([nsenter, "-t", str(target.inner), "-m", "mount", "-t", "tmpfs", "aps-test",
               hidden])
    if res[0] != 0:
        raise Fail("cannot mount a tmpfs over %s in the target's namespace: %r" % (hidden, res))
    with open("/proc/%d/maps" % target.inner) as f:
        mapped = {l.split()[-1] for l in f if hidden in l}
    via_root = "/proc/%d/root%s" % (target.inner, os.path.join(hidden, "usr"))
    if os.path.exists(via_root):
        raise Fail("%s still resolves after the tmpfs" % via_root)
    print("hidden: %s no longer resolves; the target maps %d files under %s"
          % (via_root, len(mapped), hidden))


def case_pid_ns(args, tmp):
    unshare = need("unshare", "--pid", "--fork", "--mount-proc", "true")
    nsenter = need("nsenter")
    env = target_env(tmp)
    target = NsTarget([unshare, "--pid", "--fork", "--kill-child", "--mount-proc",
                       args.python, TARGET], env)
    try:
        inner = ns_pid(target.inner)
        print("target: host pid %d, pid %d in its namespace" % (target.inner, inner))
        if inner == target.inner:
            raise Fail("the target is not in a PID namespace of its own")
        aps = reads(args, target.inner)
        check_unharmed_inner(target)
        ref_host = reference(args, args.python, target.inner)
        ref_inside = reference(args, args.python, inner,
                               via=(nsenter, "-t", str(target.inner), "-m", "-p"))
    finally:
        target.stop()
    require_same("pid_ns", ref_host, aps, "reference from the host", "aps from the host")
    require_same("pid_ns", ref_inside, aps, "reference inside", "aps from the host")


def check_unharmed_inner(target):
    st = proc_state(target.inner)
    if st in ("", "Z", "X", "T", "t"):
        raise Fail("target %d is not running after aps (state %r)" % (target.inner, st))


def case_hidden(args, tmp, pid_ns):
    nsenter = need("nsenter")
    target, hidden, inner_python, env = start_hidden(args, tmp, pid_ns)
    try:
        pid_inside = ns_pid(target.inner)
        enter = (nsenter, "-t", str(target.inner), "-m", "-p")
        ref_inside = reference(args, inner_python, pid_inside, via=enter, env=env)
        before = reads(args, target.inner)
        hide(target, hidden)
        after = reads(args, target.inner)
        check_unharmed_inner(target)
        inside = reads(args, pid_inside, via=enter) if pid_ns else None
    finally:
        target.stop()
    name = "container" if pid_ns else "mount_ns_hidden"
    require_same(name, ref_inside, before, "reference inside", "aps from the host")
    require_same(name, ref_inside, after, "reference inside",
                 "aps from the host after the tmpfs")
    if inside is not None:
        require_same(name, ref_inside, inside, "reference inside", "aps inside (nsenter)")


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True, choices=CASES)
    args = ap.parse_args()
    if os.geteuid() != 0:
        skip("namespaces and mounts need root here")
    args.aps = os.path.abspath(args.aps)

    def body(tmp):
        if args.case == "pid_ns":
            case_pid_ns(args, tmp)
        else:
            case_hidden(args, tmp, pid_ns=args.case == "container")

    return run_main("aps-containers-", body)


if __name__ == "__main__":
    sys.exit(main())
