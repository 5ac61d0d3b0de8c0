#!/usr/bin/env python3
"""Two (or more) aps builds, interleaved, on one live target: medians of the wall time.

    python3 bench/ab.py --aps OLD/aps --aps NEW/aps [--tasks N] [--runs R] [--python PY]
    python3 bench/ab.py --aps build/aps --aps "build/aps -j 1"    (options after the command)

Starts bench/make_target.py with N tasks (default 100,000), then runs `aps ps` and `aps pstree`
with each build in turn, R times (default 11), and prints the median, minimum and maximum of each.
Alternating the builds on the same target is what makes a difference of a few percent visible on
a machine whose speed drifts between runs; the outputs of the builds must be identical. An --aps
value may carry options, which go after the command (`aps ps -j 1 PID`).
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

import compare  # bench/compare.py: running_target


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--aps", action="append", required=True, help="an aps binary (give two or more)")
    p.add_argument("--tasks", type=int, default=100000)
    p.add_argument("--runs", type=int, default=11)
    p.add_argument("--python", default=os.path.expanduser("~/.cache/aps/pythons/bin/python3.14"))
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--fan-in", type=int, default=10)
    p.add_argument("--name-len", type=int, default=12)
    args = p.parse_args()

    def argv(aps, command, pid):
        program, *options = shlex.split(aps)
        return [program, command] + options + [pid]

    with compare.running_target(args.python, args.tasks, args) as (pid, _):
        for command in ("ps", "pstree"):
            outputs = {subprocess.run(argv(a, command, pid), capture_output=True).stdout
                       for a in args.aps}
            if len(outputs) != 1:
                sys.exit(f"ab: the builds print different {command} output")
            times = {a: [] for a in args.aps}
            for _ in range(args.runs):
                for a in args.aps:
                    start = time.perf_counter()
                    subprocess.run(argv(a, command, pid), stdout=subprocess.DEVNULL, check=True)
                    times[a].append(time.perf_counter() - start)
            for a, t in times.items():
                print(f"{command:6} {a}: median {statistics.median(t):.3f} s, "
                      f"min {min(t):.3f}, max {max(t):.3f} ({args.runs} runs, {args.tasks} tasks)")


if __name__ == "__main__":
    main()
