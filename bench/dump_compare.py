#!/usr/bin/env python3
"""aps dump against the reference (`python3.15 -m profiling.sampling dump`) on one live target.

    bench/dump_compare.py --aps BUILD/aps [--python PY3.15] [--threads 50] [--tasks 10000]
                          [--runs 10] [--options="-a" --options="--async-aware"]

Starts bench/dump_target.py (THREADS threads, each running an event loop, TASKS parked tasks in
all), waits for READY, then for each option set runs the reference and aps --runs times each,
alternately, checking that both print the same bytes every time. Prints one markdown row per
option set: median and fastest wall time of each (the whole process, timed here), the ratio of
the medians, and the output's size. Only the target this script started is killed, by pid.
Exit 1 when the outputs differ.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return time.perf_counter() - start, out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--aps", required=True)
    p.add_argument("--python", default=os.path.expanduser("~/.cache/aps/pythons/bin/python3.15"))
    p.add_argument("--threads", type=int, default=50)
    p.add_argument("--tasks", type=int, default=10000)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--options", action="append", help="one option set, e.g. --options=-a")
    args = p.parse_args()
    option_sets = args.options or ["-a", "--async-aware"]

    target = subprocess.Popen(
        [args.python, os.path.join(HERE, "dump_target.py"), "--threads", str(args.threads),
         "--tasks", str(args.tasks)], stdout=subprocess.PIPE, text=True)
    try:
        if target.stdout.readline().strip() != "READY":
            print("the target did not start", file=sys.stderr)
            return 1
        pid = str(target.pid)
        print("| options | reference: median (fastest) | aps: median (fastest) | ratio | bytes |")
        print("|---|---|---|---|---|")
        status = 0
        for options in option_sets:
            opts = options.split()
            ref_cmd = [args.python, "-m", "profiling.sampling", "dump", *opts, pid]
            aps_cmd = [args.aps, "dump", *opts, pid]
            times = {"ref": [], "aps": []}
            size = 0
            for _ in range(args.runs):
                t_ref, ref = timed(ref_cmd)
                t_aps, aps = timed(aps_cmd)
                times["ref"].append(t_ref)
                times["aps"].append(t_aps)
                size = len(ref.stdout)
                if ref.stdout != aps.stdout or ref.returncode != aps.returncode:
                    print("%s: the outputs differ (exit %d and %d)"
                          % (options, ref.returncode, aps.returncode), file=sys.stderr)
                    status = 1
            r, a = statistics.median(times["ref"]), statistics.median(times["aps"])
            print("| `dump %s` | %.3f s (%.3f) | %.4f s (%.4f) | %.1fx | %d |"
                  % (options, r, min(times["ref"]), a, min(times["aps"]), r / a, size))
        return status
    finally:
        target.kill()
        target.wait()


if __name__ == "__main__":
    sys.exit(main())
