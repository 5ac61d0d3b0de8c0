#!/usr/bin/env python3
"""Failure modes triggered for real: exit code and exactly one `aps: ` line on stderr.

    failures.py --aps PATH --python PATH --case NAME

Cases (see CASES): exit_midread, kernel_thread, zombie, deleted_exe, replaced_exe, mount_ns,
future_version, free_threaded, invalid_offsets, old_pythons, decimal_pid, write_error,
thread_id, not_dumpable.
old_pythons runs every interpreter older than 3.14 found on the machine (--python, a 3.13, and
OLD_PYTHONS: pyenv's 2.7 and 3.6-3.13 here): aps names it as too old, exit 5.
future_version and free_threaded run a copy of the interpreter whose _Py_DebugOffsets (the
initial bytes of its .PyRuntime section) were patched to say 3.16.0a1, or free_threaded = 1:
Debian ships neither a 3.16 nor a free-threaded build, and aps must name what it found.
invalid_offsets patches code_object.size to 0: a table that fails its checks is said at once
(exit 5), not retried as a target that kept changing.
(no_such_pid, permission, not_python, python3.13 and no_asyncio are difftest.py's cases.)
Every case prints the exit code and stderr line aps gave.  Exit 0 pass, 1 fail, 77 skip.
"""
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import time

from hardlib import (TARGETS, Fail, check_error, check_unharmed, difftest, driver_parser,
                     open_root_argv, run, run_main, skip, target_env)

CASES = ["exit_midread", "kernel_thread", "zombie", "deleted_exe", "replaced_exe", "mount_ns",
         "future_version", "free_threaded", "invalid_offsets", "old_pythons", "decimal_pid",
         "write_error", "thread_id", "not_dumpable"]
OLD_PYTHONS = "~/.pyenv/versions/*/bin/python[23].*"   # what this machine kind has besides 3.13


def show(what, res):
    rc, out, err = res
    print("%-14s exit %d  stderr %s  (%d bytes stdout)"
          % (what, rc, err.decode("utf-8", "replace").rstrip("\n") or "-", len(out)))


def case_exit_midread(args, tmp):
    """Big targets (100,000 tasks) killed (and reaped) at random moments while aps reads them:
    exit 0 (read before the kill) or 3 saying it exited."""
    rng = random.Random(1234)
    seen = {}
    env = target_env(tmp, APS_BIG_TASKS="100000")
    for i in range(args.rounds):
        target = difftest.Target([args.python, os.path.join(TARGETS, "big.py")], env=env)
        try:
            aps = subprocess.Popen([args.aps, "ps", str(target.pid)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
            time.sleep(rng.uniform(0.0, 0.15))
            os.kill(target.pid, signal.SIGKILL)
            target.proc.wait()             # reaped at once, as a shell or supervisor would
            try:
                out, err = aps.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                os.kill(aps.pid, signal.SIGKILL)
                aps.communicate()
                raise Fail("aps hangs on a target that exited")
        finally:
            target.stop()
        rc = aps.returncode
        seen[rc] = seen.get(rc, 0) + 1
        if rc == 0:
            if not out.startswith(difftest.PS_HEADER.encode()) or err:
                raise Fail("exit 0 with bad output: %r %r" % (out[:200], err))
            continue
        if rc not in (3,):
            raise Fail("round %d: exit %d (expected 0 or 3): %r" % (i, rc, err))
        check_error((rc, out, err), 3, ("exited", "no process"))
        if i == 0 or seen[rc] == 1:
            show("exit_midread", (rc, out, err))
    print("exit_midread: %d rounds, exit codes %s" % (args.rounds, seen))
    if seen.get(3, 0) == 0:
        raise Fail("no round caught aps in the middle of a read (all exit 0)")


def case_kernel_thread(args, tmp):
    pid = 2
    with open("/proc/2/comm") as f:
        comm = f.read().strip()
    if comm != "kthreadd":
        skip("pid 2 is %r, not kthreadd (a pid namespace?)" % comm)
    res = run([args.aps, "ps", str(pid)])
    show("kernel_thread", res)
    check_error(res, 5, ("kernel thread",))


def case_zombie(args, tmp):
    """A child that exited and was not reaped: it has exited (exit 3), not 'not Python'."""
    env = target_env(tmp)
    p = subprocess.Popen([args.python, "-c", "import asyncio"], env=env)
    try:
        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)     # a zombie now, not reaped
        res = run([args.aps, "ps", str(p.pid)])
        res2 = run([args.aps, "pstree", str(p.pid)])
    finally:
        p.wait()
    show("zombie", res)
    check_error(res, 3, ("exited",), ("zombie",))
    check_error(res2, 3, ("exited",), ("zombie",))


def python_home(python):
    real = os.path.realpath(python)
    return os.path.dirname(os.path.dirname(real)), real      # .../usr, .../usr/bin/python3.X


def start_copy(args, tmp, exe_dir):
    """Copies the interpreter to exe_dir and starts restaurant.py with the copy."""
    home, real = python_home(args.python)
    os.makedirs(exe_dir, exist_ok=True)
    copy = os.path.join(exe_dir, os.path.basename(real))
    shutil.copy2(real, copy)
    env = target_env(tmp, PYTHONHOME=home)
    return copy, difftest.Target([copy, os.path.join(TARGETS, "restaurant.py")], env=env)


def same_as_before(args, target, before, what):
    for command, expected in before.items():
        res = run([args.aps, command, str(target.pid)])
        check_unharmed(target)
        if res != expected:
            raise Fail("%s: aps %s now gives exit %d %r, before %d (%d bytes)\n%s"
                       % (what, command, res[0], res[2], expected[0], len(expected[1]),
                          difftest.show_diff(expected[1], res[1], "before", "after")))
    print("%s: aps ps/pstree read it, output identical to before (%d, %d bytes)"
          % (what, len(before["ps"][1]), len(before["pstree"][1])))


def case_deleted_or_replaced(args, tmp, replace):
    copy, target = start_copy(args, tmp, os.path.join(tmp, "exe"))
    try:
        before = {c: run([args.aps, c, str(target.pid)]) for c in ("ps", "pstree")}
        if before["ps"][0] != 0 or before["pstree"][0] != 0:
            raise Fail("aps cannot read the copy even before deletion: %r" % (before,))
        os.unlink(copy)
        if replace:
            # Another interpreter's binary at the same path: its sections are elsewhere.
            other = "python3.15" if "3.14" in os.path.basename(copy) else "python3.14"
            shutil.copy2(os.path.join(os.path.dirname(os.path.realpath(args.python)), other),
                         copy)
        with open("/proc/%d/maps" % target.pid) as f:
            marked = [l for l in f if os.path.basename(copy) in l]
        print("maps now: %s" % marked[0].strip())
        same_as_before(args, target, before,
                       "replaced_exe" if replace else "deleted_exe")
    finally:
        target.stop()


def case_mount_ns(args, tmp):
    """The target runs an interpreter tree bind-mounted over an empty directory inside its
    own mount namespace: the path in its maps names nothing in aps's namespace."""
    unshare = shutil.which("unshare")
    if not unshare or subprocess.run([unshare, "--mount", "--propagation", "private", "true"],
                                     capture_output=True).returncode != 0:
        skip("unshare --mount is not permitted here")
    home, real = python_home(args.python)
    root = os.path.dirname(home)                          # .../root (holds usr/)
    hidden = os.path.join(tmp, "only-inside")
    os.makedirs(hidden)
    inner_python = os.path.join(hidden, os.path.relpath(real, root))
    script = ('mount --bind "$1" "$2" && exec "$3" "$4"')
    env = target_env(tmp, PYTHONHOME=os.path.join(hidden, "usr"))
    target = difftest.Target([unshare, "--mount", "--propagation", "private", "sh", "-c", script,
                              "sh", root, hidden, inner_python,
                              os.path.join(TARGETS, "restaurant.py")], env=env)
    try:
        if os.path.exists(inner_python):
            raise Fail("%s is visible outside the namespace" % inner_python)
        with open("/proc/%d/maps" % target.pid) as f:
            mapped = [l.split()[-1] for l in f if "python" in l.split()[-1]]
        if inner_python not in mapped:
            raise Fail("the target does not map %s: %s" % (inner_python, mapped[:3]))
        for command in ("ps", "pstree"):
            res = run([args.aps, command, str(target.pid)])
            check_unharmed(target)
            show("mount_ns " + command, res)
            if res[0] != 0 or res[2] or b"(T) " not in res[1] and command == "pstree":
                raise Fail("aps %s could not read the target in another mount namespace"
                           % command)
        ref = run([args.python, "-m", "asyncio", "ps", str(target.pid)])
        print("reference on the same target: exit %d, %d bytes" % (ref[0], len(ref[1])))
        ps = run([args.aps, "ps", str(target.pid)])
        if ref[0] == 0 and ref[1] != ps[1]:
            raise Fail("aps ps differs from the reference:\n"
                       + difftest.show_diff(ref[1], ps[1], "reference", "aps"))
    finally:
        target.stop()


def runtime_section_offset(path):
    """File offset of the .PyRuntime section of a 64-bit little-endian ELF file."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise Fail("%s is not a 64-bit little-endian ELF file" % path)
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):   # (name offset, file offset)
        base = shoff + i * shentsize
        return struct.unpack_from("<I", data, base)[0], struct.unpack_from("<Q", data, base + 24)[0]
    names_at = header(shstrndx)[1]
    for i in range(shnum):
        name_off, offset = header(i)
        end = data.index(b"\0", names_at + name_off)
        if data[names_at + name_off:end] == b".PyRuntime":
            return offset
    raise Fail("%s has no .PyRuntime section" % path)


def case_patched_offsets(args, tmp, field_offset, value, needle, forbidden=None):
    """A copy of the interpreter whose debug offsets claim another version or build, or fail
    their checks; `forbidden` must not be in the message."""
    home, real = python_home(args.python)
    copy = os.path.join(tmp, os.path.basename(real) + "-patched")
    shutil.copy2(real, copy)
    at = runtime_section_offset(copy)
    with open(copy, "r+b") as f:
        f.seek(at)
        if f.read(8) != b"xdebugpy":
            raise Fail("no debug offsets cookie at the start of .PyRuntime in %s" % copy)
        f.seek(at + field_offset)
        f.write(struct.pack("<Q", value))
    target = difftest.Target([copy, os.path.join(TARGETS, "restaurant.py")],
                             env=target_env(tmp, PYTHONHOME=home))
    try:
        results = [run([args.aps, c, str(target.pid)]) for c in ("ps", "pstree")]
        check_unharmed(target)
    finally:
        target.stop()
    for command, res in zip(("ps", "pstree"), results):
        show("%s %s" % (args.case, command), res)
        if forbidden is None:
            check_error(res, 5, (needle,), ("not supported",))
            continue
        check_error(res, 5, (needle,), ("not a Python aps can read",))
        if forbidden in res[2].decode("utf-8", "replace"):
            raise Fail("the message says %r: %r" % (forbidden, res[2]))


def case_old_pythons(args, tmp):
    import glob
    import re
    found = [args.python] + sorted(glob.glob(os.path.expanduser(OLD_PYTHONS)))
    pythons = [p for p in found if re.search(r"python[23]\.[0-9]+$", p)]
    code = ("import sys, time\nsys.stdout.write('READY\\n'); sys.stdout.flush()\n"
            "time.sleep(3600)\n")
    for python in pythons:
        target = difftest.Target([python, "-c", code], env=target_env(tmp))
        try:
            res = run([args.aps, "ps", str(target.pid)])
            check_unharmed(target)
        finally:
            target.stop()
        show(os.path.basename(python), res)
        check_error(res, 5, ("not supported", "older than", "aps reads 3.14 and 3.15"))
    print("%d interpreters older than 3.14 rejected" % len(pythons))


def case_decimal_pid(args, tmp):
    """The pid with leading zeros is still that pid (decimal, as kill and ps read it, not
    octal); in hex it is a bad command line."""
    import json
    target = difftest.Target([args.python, os.path.join(TARGETS, "restaurant.py")],
                             env=target_env(tmp))
    try:
        plain = run([args.aps, "ps", str(target.pid)])
        zeros = run([args.aps, "ps", "00" + str(target.pid)])
        doc = run([args.aps, "ps", "--format", "json", "0" + str(target.pid)])
        hexa = run([args.aps, "ps", hex(target.pid)])
        check_unharmed(target)
    finally:
        target.stop()
    show("00PID", zeros)
    if zeros != plain or plain[0] != 0:
        raise Fail("aps ps 00%d differs from aps ps %d: exit %d %r"
                   % (target.pid, target.pid, zeros[0], zeros[2]))
    if doc[0] != 0 or json.loads(doc[1])["target"]["pid"] != target.pid:
        raise Fail("aps ps --format json 0%d: exit %d %r" % (target.pid, doc[0], doc[2]))
    show(hex(target.pid), hexa)
    check_error(hexa, 2, ("invalid pid",), ("decimal",))


VIEWS = [["ps"], ["pstree"], ["ps", "--format", "json"], ["ps", "--format", "ndjson"],
         ["pstree", "--format", "json"], ["pstree", "--format", "ndjson"],
         ["pstree", "--format", "dot"]]


def run_writing_to(argv, where):
    """(rc, stderr) of aps with stdout on /dev/full ("full"), closed ("closed"), or a pipe with
    no reader, SIGPIPE ignored ("epipe") or at its default ("sigpipe")."""
    import signal as sig
    if where == "full":
        with open("/dev/full", "wb") as full:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=full,
                               stderr=subprocess.PIPE, timeout=60)
        return p.returncode, p.stderr
    if where == "closed":
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
                           preexec_fn=lambda: os.close(1))
        return p.returncode, p.stderr
    r, w = os.pipe()
    os.close(r)
    try:
        ignore = (lambda: sig.signal(sig.SIGPIPE, sig.SIG_IGN)) if where == "epipe" else None
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=w, stderr=subprocess.PIPE,
                           timeout=60, preexec_fn=ignore)
    finally:
        os.close(w)
    return p.returncode, p.stderr


def case_write_error(args, tmp):
    """Output that cannot be written: exit 10 and `aps: write error: <why>` in every view and
    in watch's log mode; a reader gone with SIGPIPE at its default still ends aps quietly."""
    expected = {"full": b"aps: write error: No space left on device\n",
                "closed": b"aps: write error: Bad file descriptor\n",
                "epipe": b"aps: write error: Broken pipe\n"}
    target = difftest.Target([args.python, os.path.join(TARGETS, "restaurant.py")],
                             env=target_env(tmp))
    try:
        runs = [v + [str(target.pid)] for v in VIEWS]
        runs.append(["watch", "--count", "2", "--interval", "0.1", str(target.pid)])
        for argv in runs:
            for where, line in expected.items():
                rc, err = run_writing_to([args.aps] + argv, where)
                if (rc, err) != (10, line):
                    raise Fail("aps %s, stdout %s: exit %d, stderr %r; expected exit 10 and %r"
                               % (" ".join(argv[:-1]), where, rc, err, line))
            rc, err = run_writing_to([args.aps] + argv, "sigpipe")
            if rc != -signal.SIGPIPE or err:
                raise Fail("aps %s into a closed pipe: exit %d, stderr %r; expected death by "
                           "SIGPIPE, silent" % (" ".join(argv[:-1]), rc, err))
            print("aps %-24s exit 10 on a full disk, a closed stdout, a broken pipe (SIGPIPE "
                  "ignored); SIGPIPE otherwise" % " ".join(argv[:-1]))
        check_unharmed(target)
    finally:
        target.stop()


def case_thread_id(args, tmp):
    """A thread id given as the pid: its process is read, one line on stderr says so, and the
    JSON's target.pid is the process's id, in every command."""
    import json
    from hardlib import threads_of
    target = difftest.Target([args.python, os.path.join(TARGETS, "threads.py")],
                             env=target_env(tmp))
    try:
        tids = sorted(threads_of(target.pid) - {target.pid})
        if not tids:
            raise Fail("targets/threads.py has no thread besides its main one")
        tid = tids[-1]
        notice = ("aps: %d is a thread of process %d; reading process %d\n"
                  % (tid, target.pid, target.pid)).encode()
        for command in (["ps"], ["pstree"], ["ps", "--stop"]):
            by_pid = run([args.aps] + command + [str(target.pid)])
            by_tid = run([args.aps] + command + [str(tid)])
            if by_pid[0] != 0 or by_pid[2]:
                raise Fail("aps %s PID: exit %d %r" % (" ".join(command), by_pid[0], by_pid[2]))
            if by_tid != (0, by_pid[1], notice):
                raise Fail("aps %s TID: exit %d, stderr %r, stdout %s the PID's; expected exit 0, "
                           "%r and the same stdout"
                           % (" ".join(command), by_tid[0], by_tid[2],
                              "equal to" if by_tid[1] == by_pid[1] else "unlike", notice))
        doc = run([args.aps, "pstree", "--format", "json", str(tid)])
        if doc[0] != 0 or json.loads(doc[1])["target"]["pid"] != target.pid:
            raise Fail("aps pstree --format json TID: exit %d, target %r"
                       % (doc[0], doc[1][:120]))
        watch = run([args.aps, "watch", "--count", "1", str(tid)])
        if watch[0] != 0 or watch[2] != notice or ("pid %d " % target.pid).encode() not in watch[1]:
            raise Fail("aps watch TID: exit %d, stderr %r" % (watch[0], watch[2]))
        check_unharmed(target)
        print("thread %d of process %d: %s" % (tid, target.pid, notice.decode().strip()))
    finally:
        target.stop()


# A target that (with argv[1] == "0") makes itself not dumpable, as a hardened service does.
NOT_DUMPABLE = r"""
import asyncio, ctypes, sys
if sys.argv[1] == "0" and ctypes.CDLL(None).prctl(4, 0, 0, 0, 0) != 0:   # PR_SET_DUMPABLE
    sys.exit("prctl failed")
async def main():
    print("READY", flush=True)
    await asyncio.sleep(3600)
asyncio.run(main())
"""


def case_not_dumpable(args, tmp):
    """A target of aps's own user that is not dumpable: aps names that cause and what works (root,
    CAP_SYS_PTRACE), not "run aps as the target's user", which it already is. Both run as uid
    65534; the same target left dumpable is read."""
    as_nobody = difftest.aps_as_nobody(args.aps, tmp)    # skips unless root with setpriv
    results = {}
    for dumpable in ("1", "0"):
        target = difftest.Target(open_root_argv(tmp, args.python, ["-c", NOT_DUMPABLE, dumpable],
                                                uid=65534), env=target_env(tmp))
        try:
            if proc_status_uid(target.pid) != "65534":
                raise Fail("the target does not run as uid 65534: %r"
                           % proc_status_uid(target.pid))
            results[dumpable] = [run(as_nobody + [c, str(target.pid)]) for c in ("ps", "pstree")]
            check_unharmed(target)
        finally:
            target.stop()
    for res in results["1"]:
        show("dumpable", res)
        if res[0] != 0 or res[2] or b"Task-1" not in res[1]:
            raise Fail("aps as uid 65534 cannot read a dumpable target of uid 65534: exit %d %r"
                       % (res[0], res[2]))
    for res in results["0"]:
        show("not dumpable", res)
        check_error(res, 4, ("not dumpable",), ("PR_SET_DUMPABLE",), ("CAP_SYS_PTRACE",),
                    ("root",))
        if b"target's user" in res[2]:
            raise Fail("aps still says to run it as the target's user: %r" % res[2])


def proc_status_uid(pid):
    from hardlib import proc_status
    uid = proc_status(pid, "Uid")
    return uid.split()[0] if uid else None


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True, choices=CASES)
    ap.add_argument("--rounds", type=int, default=6, help="exit_midread: targets killed")
    args = ap.parse_args()

    def body(tmp):
        if args.case == "exit_midread":
            case_exit_midread(args, tmp)
        elif args.case == "kernel_thread":
            case_kernel_thread(args, tmp)
        elif args.case == "zombie":
            case_zombie(args, tmp)
        elif args.case in ("deleted_exe", "replaced_exe"):
            case_deleted_or_replaced(args, tmp, args.case == "replaced_exe")
        elif args.case == "mount_ns":
            case_mount_ns(args, tmp)
        elif args.case == "old_pythons":
            case_old_pythons(args, tmp)
        elif args.case == "decimal_pid":
            case_decimal_pid(args, tmp)
        elif args.case == "write_error":
            case_write_error(args, tmp)
        elif args.case == "thread_id":
            case_thread_id(args, tmp)
        elif args.case == "not_dumpable":
            case_not_dumpable(args, tmp)
        elif args.case == "future_version":
            case_patched_offsets(args, tmp, 8, 0x031000A1, "Python 3.16.0a1")
        elif args.case == "free_threaded":
            minor = os.path.basename(os.path.realpath(args.python)).split(".")[1][:2]
            case_patched_offsets(args, tmp, 16, 1, "free-threaded (3.%st)" % minor)
        elif args.case == "invalid_offsets":
            # code_object.size = 0: static data that fails its checks, which no re-read cures:
            # said at once, not retried as a target that kept changing.
            minor = os.path.basename(os.path.realpath(args.python)).split(".")[1][:2]
            at = 312 if minor == "14" else 376
            case_patched_offsets(args, tmp, at, 0, "code_object.size=0", forbidden="changing")

    return run_main("aps-failures-", body)


if __name__ == "__main__":
    sys.exit(main())
