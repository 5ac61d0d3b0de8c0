#!/usr/bin/env python3
"""aps dump --native-frames on live targets: native stacks with the Python frames placed in them,
checked against gdb, and the target always left running.

    native_frames.py --aps PATH --python PATH [--aps-hooks PATH] --case stack|gdb|sigkill

stack    targets/blocked_loop.py (its main thread in time.sleep): the main thread's native stack
         names clock_nanosleep, and its Python frames come in order (blocking_io, handler, then
         the loop's). On an interpreter whose eval loop has names (its own symbol table, as the
         -dbg build beside --python has, or a debug file by build id, as the provisioned
         stripped ones have in their tree's usr/lib/debug), blocking_io and handler sit right
         above an eval-loop frame (_PyEval_EvalFrameDefault or its .cold part), below
         clock_nanosleep, and every Python frame is placed. The target runs on after each run
         (not stopped, TracerPid 0).
gdb      the same target: every function `gdb -p PID -batch -ex 'thread apply all bt'` names for
         a thread is in aps's list for that thread (the interpreter and its -dbg build).
sigkill  aps_test_hooks held mid-unwind (APS_TEST_HOLD_STOPPED_MS, after the first thread):
         every thread of targets/churn.py is stopped by aps; aps is killed with SIGKILL; every
         thread then leaves its stop with TracerPid 0 and the target makes progress.
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import re
import signal
import shutil
import struct
import subprocess
import sys

from hardlib import (TARGETS, DrainedTarget, Fail, check_resumed, difftest, driver_parser,
                     proc_state, proc_status, rate_totals, run, run_main, skip, target_env,
                     threads_of, wait_for)


def pythons(args):
    """--python, and its -dbg build when provisioned."""
    found = [args.python]
    if os.path.exists(args.python + "-dbg"):
        found.append(args.python + "-dbg")
    return found


def elf_facts(path):
    """(whether it has a .symtab, its build id in hex) of a 64-bit little-endian ELF file."""
    with open(path, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3a)
    symtab, build_id = False, ""
    for i in range(shnum):
        _, sh_type, _, _, off, _ = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        if sh_type == 2:  # SHT_SYMTAB
            symtab = True
        elif sh_type == 7:  # SHT_NOTE: the first note of the build-id section
            namesz, descsz, ntype = struct.unpack_from("<III", data, off)
            if ntype == 3 and data[off + 12:off + 12 + namesz].rstrip(b"\0") == b"GNU":
                desc = off + 12 + ((namesz + 3) & ~3)
                build_id = data[desc:desc + descsz].hex()
    return symtab, build_id


def eval_loop_named(python):
    """Whether aps can name the eval loop's frames of `python`: its own symbol table, or a debug
    file where aps looks (/usr/lib/debug, and the usr/lib/debug of the tree it lies in)."""
    path = os.path.realpath(python)
    symtab, build_id = elf_facts(path)
    if symtab:
        return True
    if len(build_id) < 4:
        return False
    tail = os.path.join(".build-id", build_id[:2], build_id[2:] + ".debug")
    roots = ["/"]
    if path.find("/usr/") > 0:
        roots.append(path[:path.find("/usr/")])
    return any(os.path.exists(os.path.join(r, "usr/lib/debug", tail)) for r in roots)


def is_eval_loop(name):
    return name == "_PyEval_EvalFrameDefault" or (name or "").startswith(
        "_PyEval_EvalFrameDefault.")


def native_json(args, target):
    rc, out, err = run([args.aps, "dump", "--native-frames", "--format", "json", "-v",
                        str(target.pid)])
    check_resumed(target, "aps dump --native-frames")
    if rc != 0:
        raise Fail("aps dump --native-frames: exit %d, %r" % (rc, err))
    pause = re.search(rb"for (\d+\.\d+) ms", err)
    doc = json.loads(out)
    stacks = {t["thread_id"]: dict(t["native"], loop=t["loop"]) for t in doc["threads"]}
    stacks.update({t["thread_id"]: t["native"] for t in doc["other_threads"]})
    return stacks, pause.group(1).decode()


def start_blocked(python, tmp):
    return difftest.Target([python, os.path.join(TARGETS, "blocked_loop.py")],
                           env=target_env(tmp))


def case_stack(args, tmp):
    for python in pythons(args):
        target = start_blocked(python, tmp)
        try:
            stacks, pause = native_json(args, target)
            main = stacks.get(target.pid)
            if main is None:
                raise Fail("no native stack for the main thread %d: %s" % (target.pid, stacks))
            # One look (the target is held once): the loop's state, never a blocked verdict.
            loop = main.get("loop") or {}
            if loop.get("state") != "in_task" or loop.get("blocked") is not None:
                raise Fail("%s: the main thread's loop should be in task req-17, not named "
                           "blocked: %s" % (python, loop))
            frames = main["frames"]
            names = [f["function"] for f in frames]
            if "clock_nanosleep" not in names:
                raise Fail("%s: no clock_nanosleep in the main thread's stack: %s"
                           % (python, names))
            py = [f["function"] for f in frames if f["kind"] == "python"]
            if py[:2] != ["blocking_io", "handler"] or "BaseEventLoop.run_forever" not in py:
                raise Fail("%s: Python frames out of order: %s" % (python, py))
            placed = ", eval loop unnamed: placement not checked"
            if eval_loop_named(python):
                at = names.index("blocking_io")
                after = frames[at + 2] if at + 2 < len(frames) else {}
                if names.index("clock_nanosleep") > at or names[at + 1] != "handler" or \
                        not is_eval_loop(after.get("function")) or \
                        main["python_frames_not_placed"] != 0:
                    raise Fail("%s: blocking_io/handler not placed above an eval loop: %s"
                               % (python, names))
                placed = ", each run placed above its %s" % after["function"]
            print("%s: %d threads, main thread %d frames (clock_nanosleep, %d Python in order%s); "
                  "paused %s ms; target running" % (os.path.basename(python), len(stacks),
                                                    len(frames), len(py), placed, pause))
        finally:
            target.stop()


GDB_THREAD = re.compile(r"^Thread \d+ \(.*?LWP (\d+)")
GDB_FRAME = re.compile(r"^#\d+\s+(?:0x[0-9a-f]+ in )?([^\s(]+) \(")


def gdb_functions(pid):
    rc = subprocess.run(["gdb", "-p", str(pid), "-batch", "-nx", "-ex", "set debuginfod enabled off",
                         "-ex", "thread apply all bt"], stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    threads, tid = {}, None
    for line in rc.stdout.decode("utf-8", "replace").splitlines():
        m = GDB_THREAD.match(line)
        if m:
            tid = int(m.group(1))
            threads[tid] = []
            continue
        m = GDB_FRAME.match(line)
        if m and tid is not None and m.group(1) != "??":
            threads[tid].append(m.group(1))
    return threads


def case_gdb(args, tmp):
    if shutil.which("gdb") is None:
        skip("no gdb")
    for python in pythons(args):
        target = start_blocked(python, tmp)
        try:
            stacks, _ = native_json(args, target)
            theirs = gdb_functions(target.pid)
            check_resumed(target, "gdb")
            if set(theirs) != set(stacks):
                raise Fail("%s: gdb saw threads %s, aps %s" % (python, sorted(theirs),
                                                               sorted(stacks)))
            compared = 0
            for tid, names in theirs.items():
                ours = {f["function"] for f in stacks[tid]["frames"] if f["kind"] == "native"}
                missing = [n for n in names if n not in ours]
                if missing:
                    raise Fail("%s: thread %d: gdb names %s, not in aps's %s"
                               % (python, tid, missing, sorted(n for n in ours if n)))
                compared += len(names)
            if "clock_nanosleep" not in theirs.get(target.pid, []):
                raise Fail("%s: gdb does not name clock_nanosleep either: %s"
                           % (python, theirs.get(target.pid)))
            print("%s: gdb's %d named frames in %d threads all in aps's lists"
                  % (os.path.basename(python), compared, len(theirs)))
        finally:
            target.stop()


def case_sigkill(args, tmp):
    if not args.aps_hooks:
        skip("no --aps-hooks: this build has no aps_test_hooks")
    env = target_env(tmp, APS_CHURN_THREADS="4")
    target = DrainedTarget([args.python, os.path.join(TARGETS, "churn.py")], env=env)
    aps = None
    try:
        wait_for("the target reports its rate", lambda: rate_totals(target), 20)
        aps_env = dict(os.environ, APS_TEST_HOLD_STOPPED_MS="120000")
        aps = subprocess.Popen([args.aps_hooks, "dump", "--native-frames", str(target.pid)],
                               env=aps_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=difftest._pdeathsig)

        def all_held():
            if aps.poll() is not None:
                raise Fail("aps exited (%d) before it held the target: %r"
                           % (aps.returncode, aps.stderr.read()))
            now = threads_of(target.pid)
            return now if all(proc_state(target.pid, t) == "t" and
                              proc_status(target.pid, "TracerPid", t) == str(aps.pid)
                              for t in now) else None

        held = wait_for("every thread of the target is stopped by aps", all_held, 30)
        before = len(rate_totals(target))
        os.kill(aps.pid, signal.SIGKILL)
        aps.wait()
        if aps.returncode != -signal.SIGKILL:
            raise Fail("aps ended with %d, not by SIGKILL" % aps.returncode)
        wait_for("every thread has left its stop and has no tracer",
                 lambda: all(proc_state(target.pid, t) not in ("T", "t", "") and
                             proc_status(target.pid, "TracerPid", t) == "0"
                             for t in threads_of(target.pid)), 20)
        wait_for("two new RATE lines", lambda: len(rate_totals(target)) >= before + 2, 30)
        check_resumed(target, "aps killed with SIGKILL mid-unwind")
        print("aps killed mid-unwind holding %d threads: all running again, TracerPid 0, "
              "target progressing" % len(held))
    finally:
        if aps is not None and aps.poll() is None:
            os.kill(aps.pid, signal.SIGKILL)
            aps.wait()
        target.stop()


CASES = {"stack": case_stack, "gdb": case_gdb, "sigkill": case_sigkill}


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--aps-hooks", default="", help="aps_test_hooks (reads the test hooks)")
    args = ap.parse_args()
    return run_main("aps-native-", lambda tmp: CASES[args.case](args, tmp))


if __name__ == "__main__":
    sys.exit(main())
