#!/usr/bin/env python3
"""-j/--jobs: `-j 1` reads and renders on one thread, with the same bytes as the default.

    jobs.py --aps PATH --python PATH [--tasks N]

On targets/big.py with N tasks (default 10,000: past the walk's and the table's thresholds for a
second thread), ps, pstree and ps --format json give the same stdout and exit code with -j 1 as
without it, and strace -f sees no thread started with -j 1 (clone/clone3 with CLONE_THREAD),
where the default starts one.  Exit 0 pass, 1 fail, 77 skip.
"""
import os
import shutil
import subprocess
import sys

from hardlib import Fail, TARGETS, driver_parser, run, run_main, skip
import difftest


def threads_started(aps, argv, tmp):
    """How many threads aps started for argv, as strace -f saw them."""
    log = os.path.join(tmp, "strace.log")
    subprocess.run(["strace", "-f", "-qq", "-e", "trace=clone,clone3", "-o", log, aps] + argv,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    with open(log) as f:
        return sum(1 for line in f if "CLONE_THREAD" in line)


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--tasks", type=int, default=10000)
    args = ap.parse_args()

    def body(tmp):
        env = dict(os.environ, APS_BIG_TASKS=str(args.tasks))
        target = difftest.Target([args.python, os.path.join(TARGETS, "big.py")], env=env)
        try:
            pid = str(target.pid)
            for view in (["ps"], ["pstree"], ["ps", "--format", "json"]):
                default = run([args.aps] + view + [pid])
                one = run([args.aps] + view[:1] + ["-j", "1"] + view[1:] + [pid])
                if default[0] != 0 or one != default:
                    raise Fail("%s: -j 1 gave exit %d and %d bytes, the default exit %d and %d "
                               "bytes" % (view, one[0], len(one[1]), default[0], len(default[1])))
                print("%-20s %9d bytes, the same with -j 1" % (" ".join(view), len(default[1])))
            if shutil.which("strace") is None:
                skip("no strace to count threads with")
            for view in (["ps"], ["pstree"]):
                alone = threads_started(args.aps, view + ["-j", "1", pid], tmp)
                default = threads_started(args.aps, view + [pid], tmp)
                print("%-20s threads started: %d with -j 1, %d by default"
                      % (" ".join(view), alone, default))
                if alone != 0 or default == 0:
                    raise Fail("%s started %d threads with -j 1 and %d by default"
                               % (view, alone, default))
            target.check_unharmed("aps")
        finally:
            target.stop()

    return run_main("aps-jobs-", body)


if __name__ == "__main__":
    sys.exit(main())
