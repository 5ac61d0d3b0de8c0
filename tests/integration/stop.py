#!/usr/bin/env python3
"""aps --stop on live targets: same output, target resumed, ptrace refusals reported.

    stop.py --aps PATH --python PATH [--aps-hooks PATH]
            --case same_output|sigkill|already_traced|permission|seccomp|sigtstp|test_hooks

--aps-hooks is aps_test_hooks, the build of aps that reads the test hooks (APS_TEST_HOLD_STOPPED_MS,
see aps(1)); aps itself ignores them. sigkill and sigtstp need it (they skip without it).

same_output     quiet targets (restaurant, threads, many_tasks, taskgroups_nested): `aps ps|pstree
                --stop` writes the same bytes as `aps ps|pstree`; `-v` adds one line naming every
                thread of the target and the pause; the target is resumed (state not T/t,
                TracerPid 0 in every thread) after each run.
sigkill         aps --stop held while the target is stopped (APS_TEST_HOLD_STOPPED_MS):
                every thread of targets/churn.py is in a ptrace stop (t) traced by aps; aps is
                killed with SIGKILL; then every thread leaves the stop, has TracerPid 0, and the
                target makes progress (its RATE lines go on, with a growing total).
already_traced  another process holds a thread of the target with PTRACE_SEIZE: aps --stop exits
                4 with one line naming that tracer and the way out; aps without --stop still
                reads the target (exit 0).
permission      aps --stop as uid 65534 against a root target: exit 4, one `aps: ` line saying
                permission denied and how to fix it.
seccomp         aps runs under a seccomp filter that fails ptrace(2) with EPERM (as container
                profiles do) but allows process_vm_readv: aps reads (exit 0), aps --stop exits 4
                with one line saying ptrace was refused and that reading without --stop works.
sigtstp         aps --stop held while the target is stopped (APS_TEST_HOLD_STOPPED_MS), then sent
                SIGTSTP (Ctrl-Z), later SIGTTIN: the target runs again (every thread out of its
                stop, TracerPid 0) and only then does aps stop (state T); after SIGCONT aps
                prints the same table as a plain run and exits 0.
test_hooks      APS_TEST_HOLD_STOPPED_MS=1500 with `ps --stop -v` (the -v line gives the pause):
                aps ignores it; aps_test_hooks honours it as root, but not when it runs with more
                privilege than its user's: a copy given CAP_SYS_PTRACE with setcap, run as uid
                65534 against a root target (the attack a test hook must not open).
Exit 0 pass, 1 fail, 77 skip.
"""
import os
import platform
import re
import shutil
import signal
import subprocess
import sys

from hardlib import (TARGETS, DrainedTarget, Fail, check_error, check_resumed,
                     difftest, driver_parser, open_root_argv, proc_state, proc_status, rate_totals,
                     run, run_main, skip, target_env, thread_tracer, threads_of, wait_for)

QUIET_CASES = ["restaurant", "threads", "many_tasks", "taskgroups_nested"]
VERBOSE = re.compile(r"^aps: read process (\d+) in 1 attempt; stopped it once \((\d+) threads?\) "
                     r"for (\d+\.\d{3}) ms\n$")


def case_same_output(args, tmp):
    for case in QUIET_CASES:
        env = target_env(tmp)
        target = difftest.Target([args.python, os.path.join(TARGETS, case + ".py")], env=env)
        try:
            n_threads = len(threads_of(target.pid))
            for command in ("ps", "pstree"):
                plain = run([args.aps, command, str(target.pid)])
                check_resumed(target, "aps " + command)
                stopped = run([args.aps, command, "--stop", str(target.pid)])
                check_resumed(target, "aps %s --stop" % command)
                verbose = run([args.aps, command, "--stop", "-v", str(target.pid)])
                check_resumed(target, "aps %s --stop -v" % command)
                if plain[0] != 0 or plain[2]:
                    raise Fail("%s: aps %s: exit %d %r" % (case, command, plain[0], plain[2]))
                if stopped != plain:
                    raise Fail("%s: aps %s --stop differs from aps %s (exit %d/%d, stderr %r):\n%s"
                               % (case, command, command, stopped[0], plain[0], stopped[2],
                                  difftest.show_diff(plain[1], stopped[1], "plain", "--stop")))
                if verbose[:2] != plain[:2]:
                    raise Fail("%s: aps %s --stop -v stdout differs" % (case, command))
                m = VERBOSE.match(verbose[2].decode())
                if not m or int(m.group(1)) != target.pid or int(m.group(2)) != n_threads:
                    raise Fail("%s: -v line %r (expected pid %d, %d threads)"
                               % (case, verbose[2], target.pid, n_threads))
            print("%-18s %d thread(s): ps and pstree identical with and without --stop "
                  "(%d + %d bytes); %s" % (case, n_threads, len(plain[1]), len(stopped[1]),
                                           verbose[2].decode().strip()))
        finally:
            target.stop()


def case_sigkill(args, tmp):
    env = target_env(tmp, APS_CHURN_THREADS="4")
    target = DrainedTarget([args.python, os.path.join(TARGETS, "churn.py")], env=env)
    aps = None
    try:
        wait_for("the target reports its rate", lambda: rate_totals(target), 20)
        tids = threads_of(target.pid)
        aps_env = dict(os.environ, APS_TEST_HOLD_STOPPED_MS="120000")
        aps = subprocess.Popen([hooks_binary(args), "ps", "--stop", str(target.pid)],
                               env=aps_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=difftest._pdeathsig)

        def all_held():
            if aps.poll() is not None:
                raise Fail("aps exited (%d) before it held the target: %r"
                           % (aps.returncode, aps.stderr.read()))
            now = threads_of(target.pid)
            return now if all(proc_state(target.pid, t) == "t" and
                              thread_tracer(target.pid, t) == aps.pid for t in now) else None

        held = wait_for("every thread of the target is stopped by aps", all_held, 30)
        if not set(tids) <= set(held):
            raise Fail("threads %s of the target are gone while it was held" % (set(tids) - held))
        totals_held = rate_totals(target)
        print("target %d: all %d threads in state t, TracerPid %d (aps); %d RATE lines so far"
              % (target.pid, len(held), aps.pid, len(totals_held)))
        os.kill(aps.pid, signal.SIGKILL)
        aps.wait()
        if aps.returncode != -signal.SIGKILL:
            raise Fail("aps ended with %d, not by SIGKILL" % aps.returncode)

        def all_free():
            now = threads_of(target.pid)
            return all(proc_state(target.pid, t) not in ("T", "t", "") and
                       thread_tracer(target.pid, t) == 0 for t in now)

        wait_for("every thread has left its stop and has no tracer", all_free, 20)
        check_resumed(target, "aps killed with SIGKILL")
        # Progress: two new rate reports, and the task total keeps growing.
        wait_for("two new RATE lines",
                 lambda: len(rate_totals(target)) >= len(totals_held) + 2, 30)
        totals = rate_totals(target)
        if not totals[-1] > totals[len(totals_held) - 1]:
            raise Fail("the target's task total did not grow after aps died: %s" % totals[-4:])
        check_resumed(target, "aps killed with SIGKILL")
        print("aps killed with SIGKILL while holding it: every thread running again (states %s), "
              "TracerPid 0; task total %d -> %d"
              % (sorted({proc_state(target.pid, t) for t in threads_of(target.pid)}),
                 totals[len(totals_held) - 1], totals[-1]))
    finally:
        if aps is not None and aps.poll() is None:
            os.kill(aps.pid, signal.SIGKILL)
            aps.wait()
        target.stop()


# Holds the main thread of the pid in argv[1] with PTRACE_SEIZE (it keeps running), prints
# SEIZED and sleeps until killed: the stand-in for a debugger already attached.
TRACER = r"""
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
if libc.ptrace(0x4206, int(sys.argv[1]), None, None) != 0:
    sys.exit("PTRACE_SEIZE failed: errno %d" % ctypes.get_errno())
print("SEIZED", flush=True)
time.sleep(3600)
"""


def case_already_traced(args, tmp):
    env = target_env(tmp)
    target = difftest.Target([args.python, os.path.join(TARGETS, "threads.py")], env=env)
    tracer = None
    try:
        tracer = subprocess.Popen([args.python, "-c", TRACER, str(target.pid)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  preexec_fn=difftest._pdeathsig)
        line = tracer.stdout.readline().decode().strip()
        if line != "SEIZED":
            raise Fail("the stand-in debugger could not seize the target: %r %r"
                       % (line, tracer.stderr.read()))
        res = run([args.aps, "ps", "--stop", str(target.pid)])
        print("aps ps --stop: exit %d, stderr %s" % (res[0], res[2].decode().strip()))
        check_error(res, 4, ("already traced by process %d" % tracer.pid,),
                    ("without --stop",), ("detach",))
        # The other tracer is untouched, and the other threads were let go.
        if thread_tracer(target.pid, target.pid) != tracer.pid:
            raise Fail("the target's tracer changed: %r" % thread_tracer(target.pid, target.pid))
        for tid in threads_of(target.pid):
            if tid != target.pid and thread_tracer(target.pid, tid) != 0:
                raise Fail("thread %d is still traced after aps gave up" % tid)
            if proc_state(target.pid, tid) in ("T", "t"):
                raise Fail("thread %d is left stopped after aps gave up" % tid)
        plain = run([args.aps, "ps", str(target.pid)])
        if plain[0] != 0 or plain[2]:
            raise Fail("aps ps without --stop on a traced target: exit %d %r" % (plain[0], plain[2]))
        print("aps ps without --stop on the same target: exit 0, %d bytes" % len(plain[1]))
    finally:
        if tracer is not None:
            tracer.kill()
            tracer.wait()
        target.stop()


def case_permission(args, tmp):
    as_nobody = difftest.aps_as_nobody(args.aps, tmp)
    target = difftest.Target([args.python, os.path.join(TARGETS, "restaurant.py")],
                             env=target_env(tmp))
    try:
        res = run(as_nobody + ["ps", "--stop", str(target.pid)])
        check_resumed(target, "aps --stop as uid 65534")
    finally:
        target.stop()
    print("as uid 65534: exit %d, stderr %s" % (res[0], res[2].decode().strip()))
    check_error(res, 4, ("permission denied",), ("root", "CAP_SYS_PTRACE", "ptrace_scope"))


# Installs a seccomp filter that fails ptrace(2) with EPERM, then execs argv[1:].
SECCOMP_EXEC = r"""
import ctypes, os, struct, sys
arch, nr = int(sys.argv[1], 0), int(sys.argv[2])
ins = lambda code, jt, jf, k: struct.pack("HBBI", code, jt, jf, k)
prog = b"".join([
    ins(0x20, 0, 0, 4),              # A = seccomp_data.arch
    ins(0x15, 0, 3, arch),           # not this arch: allow
    ins(0x20, 0, 0, 0),              # A = seccomp_data.nr
    ins(0x15, 0, 1, nr),             # not ptrace: allow
    ins(0x06, 0, 0, 0x00050000 | 1), # SECCOMP_RET_ERRNO | EPERM
    ins(0x06, 0, 0, 0x7fff0000),     # SECCOMP_RET_ALLOW
])
buf = ctypes.create_string_buffer(prog, len(prog))
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fprog = Fprog(len(prog) // 8, ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:
    sys.exit("seccomp: errno %d" % ctypes.get_errno())
os.execv(sys.argv[3], sys.argv[3:])
"""

SECCOMP_ARCH = {"x86_64": (0xC000003E, 101), "aarch64": (0xC00000B7, 117)}


def case_seccomp(args, tmp):
    if platform.machine() not in SECCOMP_ARCH:
        skip("no ptrace syscall number for %s in this test" % platform.machine())
    arch, nr = SECCOMP_ARCH[platform.machine()]
    target = difftest.Target([args.python, os.path.join(TARGETS, "restaurant.py")],
                             env=target_env(tmp))
    try:
        jail = [args.python, "-c", SECCOMP_EXEC, hex(arch), str(nr), args.aps]
        # The filter at work: PTRACE_SEIZE of a pid that does not exist fails with EPERM
        # (ESRCH without the filter).
        probe = run([args.python, "-c", SECCOMP_EXEC, hex(arch), str(nr), args.python, "-c",
                     "import ctypes; l = ctypes.CDLL(None, use_errno=True); "
                     "print(l.ptrace(0x4206, %d, None, None), ctypes.get_errno())"
                     % difftest.free_pid()])
        if probe[0] != 0 or probe[1].split() != [b"-1", b"1"]:
            skip("the seccomp filter could not be installed or does not work here: %r" % (probe,))
        # LeakSanitizer (in the sanitizer build) stops the world with ptrace, which the filter
        # forbids: it is switched off for these runs only.
        jail_env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        plain = run(jail + ["ps", str(target.pid)], env=jail_env)
        if plain[0] != 0 or plain[2]:
            raise Fail("aps ps under the filter: exit %d %r" % (plain[0], plain[2]))
        res = run(jail + ["ps", "--stop", str(target.pid)], env=jail_env)
        check_resumed(target, "aps --stop under the filter")
    finally:
        target.stop()
    print("under a seccomp filter failing ptrace with EPERM: aps ps exit 0 (%d bytes); "
          "aps ps --stop exit %d, stderr %s" % (len(plain[1]), res[0], res[2].decode().strip()))
    check_error(res, 4, ("permission denied stopping process %d with ptrace" % target.pid,),
                ("without --stop",), ("CAP_SYS_PTRACE",), ("seccomp",))


def case_sigtstp(args, tmp):
    target = difftest.Target([args.python, os.path.join(TARGETS, "threads.py")],
                             env=target_env(tmp))
    try:
        plain = run([args.aps, "ps", str(target.pid)])
        if plain[0] != 0:
            raise Fail("aps ps: exit %d %r" % (plain[0], plain[2]))
        for signo in (signal.SIGTSTP, signal.SIGTTIN):
            suspend_while_held(args, target, signo, plain[1])
    finally:
        target.stop()


def suspend_while_held(args, target, signo, expected):
    def own_group():
        difftest._pdeathsig()
        os.setpgid(0, 0)    # a process group with its parent outside: stop signals do stop it

    aps_env = dict(os.environ, APS_TEST_HOLD_STOPPED_MS="1500")
    aps = subprocess.Popen([hooks_binary(args), "ps", "--stop", str(target.pid)], env=aps_env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=own_group)
    name = signal.Signals(signo).name
    try:
        def all_held():
            if aps.poll() is not None:
                raise Fail("aps exited (%d) before it held the target" % aps.returncode)
            now = threads_of(target.pid)
            return now if all(proc_state(target.pid, t) == "t" and
                              thread_tracer(target.pid, t) == aps.pid for t in now) else None

        wait_for("every thread of the target is stopped by aps", all_held, 30)
        os.kill(aps.pid, signo)

        def target_free_and_aps_stopped():
            free = all(proc_state(target.pid, t) not in ("T", "t", "") and
                       thread_tracer(target.pid, t) == 0 for t in threads_of(target.pid))
            return free and proc_state(aps.pid) == "T"

        try:
            wait_for("the target runs again and aps is stopped by %s" % name,
                     target_free_and_aps_stopped, 20)
        except Fail:
            raise Fail("after %s: aps is in state %r, the target's threads in %s (traced by %s)"
                       % (name, proc_state(aps.pid),
                          sorted({proc_state(target.pid, t) for t in threads_of(target.pid)}),
                          sorted({thread_tracer(target.pid, t)
                                  for t in threads_of(target.pid)})))
        check_resumed(target, "aps --stop suspended by %s" % name)
        os.kill(aps.pid, signal.SIGCONT)
        out, err = aps.communicate(timeout=60)
        if aps.returncode != 0 or err or out != expected:
            raise Fail("aps after SIGCONT: exit %d, stderr %r, stdout %s the plain run's"
                       % (aps.returncode, err, "equal to" if out == expected else "unlike"))
        print("%s while aps held the target: the target ran again first (TracerPid 0), then aps "
              "stopped; after SIGCONT it printed the table (%d bytes), exit 0"
              % (name, len(out)))
    finally:
        if aps.poll() is None:
            os.kill(aps.pid, signal.SIGKILL)
            aps.wait()


def pause_ms(res, who):
    m = VERBOSE.match(res[2].decode())
    if res[0] != 0 or not m:
        raise Fail("%s: exit %d, stderr %r" % (who, res[0], res[2]))
    return float(m.group(3))


def case_test_hooks(args, tmp):
    hooks = hooks_binary(args)
    hold = dict(os.environ, APS_TEST_HOLD_STOPPED_MS="1500")
    target = difftest.Target([args.python, os.path.join(TARGETS, "restaurant.py")],
                             env=target_env(tmp))
    try:
        plain = pause_ms(run([args.aps, "ps", "--stop", "-v", str(target.pid)], env=hold), "aps")
        check_resumed(target, "aps --stop")
        honoured = pause_ms(run([hooks, "ps", "--stop", "-v", str(target.pid)], env=hold),
                            "aps_test_hooks")
        check_resumed(target, "aps_test_hooks --stop")
    finally:
        target.stop()
    print("APS_TEST_HOLD_STOPPED_MS=1500: aps paused the target %.3f ms, aps_test_hooks (root) "
          "%.3f ms" % (plain, honoured))
    if plain >= 1000:
        raise Fail("aps (not the test build) held the target %.3f ms: it read the test hook" % plain)
    if honoured < 1500:
        raise Fail("aps_test_hooks ignored the hook as root (%.3f ms): this test proves nothing"
                   % honoured)
    # The attack: an unprivileged user runs a copy with CAP_SYS_PTRACE against root's process.
    setcap = shutil.which("setcap")
    if not setcap:
        skip("setcap is missing (libcap2-bin)")
    as_nobody = difftest.aps_as_nobody(hooks, tmp)
    if run([setcap, "cap_sys_ptrace+ep", as_nobody[-1]])[0] != 0:
        skip("setcap cannot give %s a file capability here" % as_nobody[-1])
    target = difftest.Target(open_root_argv(tmp, args.python,
                                            [os.path.join(TARGETS, "restaurant.py")]),
                             env=target_env(tmp))
    try:
        if proc_status(target.pid, "Uid").split()[0] != "0":
            raise Fail("the target does not run as root")
        elevated = pause_ms(run(as_nobody + ["ps", "--stop", "-v", str(target.pid)], env=hold),
                            "aps_test_hooks with CAP_SYS_PTRACE as uid 65534")
        check_resumed(target, "aps_test_hooks with CAP_SYS_PTRACE")
    finally:
        target.stop()
    print("aps_test_hooks with CAP_SYS_PTRACE (setcap), as uid 65534, against root's process: "
          "paused it %.3f ms" % elevated)
    if elevated >= 1000:
        raise Fail("with file capabilities the test build still read the hook: it held root's "
                   "process %.3f ms" % elevated)


def hooks_binary(args):
    if not args.aps_hooks:
        skip("no --aps-hooks: this build has no aps_test_hooks (APS_TEST_HOOKS=OFF)")
    return args.aps_hooks


CASES = {"same_output": case_same_output, "test_hooks": case_test_hooks, "sigkill": case_sigkill, "sigtstp": case_sigtstp,
         "already_traced": case_already_traced, "permission": case_permission,
         "seccomp": case_seccomp}


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--aps-hooks", default="", help="aps_test_hooks (reads the test hooks)")
    args = ap.parse_args()
    return run_main("aps-stop-", lambda tmp: CASES[args.case](args, tmp))


if __name__ == "__main__":
    sys.exit(main())
